#!/usr/bin/env node
// Release guard: a Vigie installer is signed (and, for macOS, notarized) or it is not built —
// unless the build is explicitly a local test build (VIGIE_LOCAL_TEST_BUILD=1), whose artifacts
// are then named and marked UNSIGNED. Run by scripts/release/build.mjs before electron-builder;
// usable alone: `node scripts/release/check-signing.mjs mac|win`.
import { pathToFileURL } from 'node:url';

const has = (env, name) => typeof env[name] === 'string' && env[name].trim() !== '';

/** Credential sets electron-builder accepts, per platform, in the order they are tried. */
const MAC_SIGNING = [
  { label: 'certificat .p12 (CSC_LINK + CSC_KEY_PASSWORD)', vars: ['CSC_LINK', 'CSC_KEY_PASSWORD'] },
  { label: 'identité du trousseau (CSC_NAME)', vars: ['CSC_NAME'] },
];
const MAC_NOTARIZE = [
  {
    label: 'clé API App Store Connect (APPLE_API_KEY + APPLE_API_KEY_ID + APPLE_API_ISSUER)',
    vars: ['APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER'],
  },
  {
    label: 'identifiant Apple (APPLE_ID + APPLE_APP_SPECIFIC_PASSWORD + APPLE_TEAM_ID)',
    vars: ['APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID'],
  },
  { label: 'profil notarytool du trousseau (APPLE_KEYCHAIN_PROFILE)', vars: ['APPLE_KEYCHAIN_PROFILE'] },
];
const WIN_SIGNING = [
  { label: 'certificat .pfx (WIN_CSC_LINK + WIN_CSC_KEY_PASSWORD)', vars: ['WIN_CSC_LINK', 'WIN_CSC_KEY_PASSWORD'] },
  { label: 'certificat .pfx (CSC_LINK + CSC_KEY_PASSWORD)', vars: ['CSC_LINK', 'CSC_KEY_PASSWORD'] },
];

const firstComplete = (env, sets) => sets.find((s) => s.vars.every((v) => has(env, v))) ?? null;
const partial = (env, sets) => sets.filter((s) => s.vars.some((v) => has(env, v)) && !s.vars.every((v) => has(env, v)));

/**
 * Decides whether a build for `platform` ('mac' | 'win') may go ahead with this environment.
 * Returns { ok, localTest, problems[], notes[] }: problems say exactly what is missing.
 */
export function checkSigning(platform, env = process.env) {
  if (platform !== 'mac' && platform !== 'win')
    return { ok: false, localTest: false, problems: [`Plateforme inconnue « ${platform} » (mac ou win).`], notes: [] };
  const localTest = env.VIGIE_LOCAL_TEST_BUILD === '1';
  const problems = [];
  const notes = [];

  const hub = env.VIGIE_HUB_URL?.trim() ?? '';
  let hubUrl;
  try {
    hubUrl = hub ? new URL(hub) : null;
  } catch {
    hubUrl = null;
  }
  if (!hubUrl)
    problems.push(
      'VIGIE_HUB_URL manque ou n’est pas une adresse (ex. https://hub.prestataire.fr) : c’est le hub des mises à jour et de l’inscription.',
    );
  else if (hubUrl.protocol !== 'https:' && !localTest)
    problems.push(`VIGIE_HUB_URL doit être en https:// pour une version publiée (reçu ${hubUrl.protocol}).`);
  else if (hubUrl.pathname !== '/' && hubUrl.pathname !== '')
    notes.push(`VIGIE_HUB_URL contient un chemin (${hubUrl.pathname}) : le flux sera ${hub.replace(/\/+$/, '')}/updates/<canal>.`);

  if (localTest) {
    notes.push(
      'VIGIE_LOCAL_TEST_BUILD=1 : build de test local, NON SIGNÉ, NON NOTARISÉ. Les fichiers portent « UNSIGNED » dans leur nom et le hub refuse de les publier.',
    );
    return { ok: problems.length === 0, localTest, problems, notes };
  }

  if (env.CSC_IDENTITY_AUTO_DISCOVERY === 'false')
    problems.push(
      'CSC_IDENTITY_AUTO_DISCOVERY=false désactive la signature : retirez-la (ou faites un build de test avec VIGIE_LOCAL_TEST_BUILD=1).',
    );
  const describe = (sets) => sets.map((s) => `    - ${s.label}`).join('\n');
  const incomplete = (sets) =>
    partial(env, sets).map((s) => `incomplet : ${s.label}, il manque ${s.vars.filter((v) => !has(env, v)).join(', ')}`);

  if (platform === 'mac') {
    if (!firstComplete(env, MAC_SIGNING)) {
      problems.push(
        `Aucun certificat « Developer ID Application » fourni. Une de ces variables est requise :\n${describe(MAC_SIGNING)}`,
        ...incomplete(MAC_SIGNING),
      );
    }
    if (!firstComplete(env, MAC_NOTARIZE)) {
      problems.push(
        `Aucun identifiant de notarisation Apple fourni. Un de ces jeux de variables est requis :\n${describe(MAC_NOTARIZE)}`,
        ...incomplete(MAC_NOTARIZE),
      );
    }
  } else {
    if (!firstComplete(env, WIN_SIGNING)) {
      problems.push(
        `Aucun certificat de signature de code Windows fourni. Un de ces jeux de variables est requis :\n${describe(WIN_SIGNING)}`,
        ...incomplete(WIN_SIGNING),
      );
    }
    notes.push(
      'Le nom de l’éditeur du certificat (CN) doit être exactement « Vigie SAS » (win.signtoolOptions.publisherName) : sinon les mises à jour seront refusées par les postes.',
    );
  }
  return { ok: problems.length === 0, localTest, problems, notes };
}

/** Prints the verdict; returns the exit code. */
export function report(platform, result, out = process.stdout, err = process.stderr) {
  if (!result.ok) {
    const bar = '='.repeat(78);
    err.write(`\n${bar}\nBUILD REFUSÉ : la version ${platform === 'mac' ? 'macOS' : 'Windows'} ne peut pas être signée.\n${bar}\n`);
    for (const p of result.problems) err.write(`✗ ${p}\n`);
    err.write('\nRenseignez ces variables (voir docs/releasing.md), ou, pour un essai sur votre machine seulement,\n');
    err.write('relancez avec VIGIE_LOCAL_TEST_BUILD=1 (installateurs NON SIGNÉS, refusés par le hub).\n\n');
    return 1;
  }
  for (const n of result.notes) out.write(`• ${n}\n`);
  out.write(
    result.localTest
      ? `⚠ Build de test local NON SIGNÉ (${platform}).\n`
      : `✓ Signature ${platform === 'mac' ? 'et notarisation ' : ''}configurées (${platform}).\n`,
  );
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const platform = process.argv[2];
  process.exit(report(platform, checkSigning(platform)));
}
