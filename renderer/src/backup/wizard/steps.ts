import type { Snapshot } from '@vigie/common';

/**
 * The restore wizard's steps as a pure transition: date → browse → mode → progress, with « Retour »
 * and « Réessayer » going back to where the user came from. An event a step does not expect leaves
 * it as it is.
 */

/** What will be restored, from which backup. */
export interface Choice {
  snapshotId: string;
  snapshotTime: string;
  /** Paths inside the backup (all in one folder). */
  paths: string[];
}

export type Step =
  | { kind: 'date' }
  | { kind: 'browse'; snapshot: Snapshot; path: string | null }
  | { kind: 'mode'; choice: Choice; from: Step }
  | { kind: 'progress'; jobId: string; choice: Choice; from: Step };

export type StepEvent =
  /** A backup picked by its date (browsing starts in its folder when it has only one). */
  | { type: 'snapshot'; snapshot: Snapshot }
  /** A version picked from the search results: straight to « where ». */
  | { type: 'choice'; choice: Choice }
  /** A folder opened while browsing (null: the backed-up folders). */
  | { type: 'path'; path: string | null }
  /** Items ticked in the folder being browsed. */
  | { type: 'pick'; paths: string[] }
  | { type: 'back' }
  | { type: 'started'; jobId: string }
  | { type: 'retry' };

export const FIRST_STEP: Step = { kind: 'date' };

export function wizardStep(step: Step, event: StepEvent): Step {
  switch (step.kind) {
    case 'date':
      if (event.type === 'snapshot')
        return { kind: 'browse', snapshot: event.snapshot, path: event.snapshot.roots.length === 1 ? event.snapshot.roots[0]! : null };
      if (event.type === 'choice') return { kind: 'mode', choice: event.choice, from: step };
      return step;
    case 'browse':
      if (event.type === 'path') return { ...step, path: event.path };
      if (event.type === 'back') return FIRST_STEP;
      if (event.type === 'pick')
        return { kind: 'mode', choice: { snapshotId: step.snapshot.id, snapshotTime: step.snapshot.time, paths: event.paths }, from: step };
      return step;
    case 'mode':
      if (event.type === 'back') return step.from;
      if (event.type === 'started') return { kind: 'progress', jobId: event.jobId, choice: step.choice, from: step };
      return step;
    case 'progress':
      return event.type === 'retry' ? step.from : step;
  }
}

/** « Étape n sur 3 » (the progress step shows none). */
export const stepNumber = (step: Step): number => (step.kind === 'date' ? 1 : step.kind === 'browse' ? 2 : 3);
