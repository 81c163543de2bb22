import { z } from 'zod';
import { Id } from '../domain.js';
import { InterventionListRequest, InterventionListResponse } from '../receipts.js';

/**
 * « Mes interventions » (practitioner renderer → main): the closed interventions on this computer
 * and their receipts, fetched from the hub; a receipt is saved in the practice's receipts folder
 * (the PDF in the app's language and its signed JSON beside it, never over another file) and
 * opened with the system's viewer. The consent window asks for the photo of the technician of the
 * screen session it shows.
 */
export const INTERVENTIONS_METHODS = {
  'interventions:list': { request: InterventionListRequest, response: InterventionListResponse },
  'interventions:open': {
    request: z.strictObject({ requestId: Id }),
    /** `path`: where the PDF is; `opened`: the system viewer was started (false: no viewer here, the file is saved anyway). */
    response: z.object({ path: z.string(), jsonPath: z.string(), opened: z.boolean() }),
  },
  /** Opens the receipts folder (the practice's register) in the file manager. */
  'interventions:openFolder': { request: z.strictObject({}), response: z.object({ path: z.string(), opened: z.boolean() }) },
  /** A `data:` URL of the photo (null: none set), only for a screen session live on this computer. */
  'interventions:technicianPhoto': { request: z.strictObject({ sessionId: Id }), response: z.object({ dataUrl: z.string().nullable() }) },
} as const;
