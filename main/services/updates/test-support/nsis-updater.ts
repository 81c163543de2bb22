/**
 * Test support: electron-updater's real Windows updater (NsisUpdater) running in plain Node,
 * with an app adapter on a temporary directory and Node's HTTP client. Only the two OS
 * boundaries are replaced: Authenticode verification (a Windows tool) is a function the test
 * chooses, and running the NSIS installer is recorded instead of spawned.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { AutoUpdaterLike } from '../electron-updater-engine.js';

const require = createRequire(import.meta.url);

export interface InstallCall {
  isSilent: boolean;
  isForceRunAfter: boolean;
}

export interface NodeNsisUpdater {
  updater: AutoUpdaterLike;
  /** Installer runs electron-updater asked for (after its own checks). */
  installs: InstallCall[];
  /** Where electron-updater keeps its downloads. */
  cacheDir: string;
}

type Verify = (publisherNames: string[], file: string) => Promise<string | null>;

/**
 * A real `NsisUpdater` for app version `version`, configured like an installed Vigie (the
 * app-update.yml electron-builder writes, publisher "Vigie SAS").
 */
export async function createNodeNsisUpdater(opts: { dir: string; version: string; verifySignature?: Verify }): Promise<NodeNsisUpdater> {
  const { NsisUpdater } = require('electron-updater/out/NsisUpdater.js') as {
    NsisUpdater: new (options: unknown, app: unknown) => AutoUpdaterLike & Record<string, unknown>;
  };
  const { NodeHttpExecutor } = require('builder-util/out/nodeHttpExecutor.js') as { NodeHttpExecutor: new () => Record<string, unknown> };
  const runtime = require('builder-util-runtime') as {
    configureRequestUrl(url: URL, options: Record<string, unknown>): void;
    configureRequestOptions(options: Record<string, unknown>): Record<string, unknown>;
  };
  const resources = join(opts.dir, 'resources');
  await mkdir(resources, { recursive: true });
  const appUpdateConfigPath = join(resources, 'app-update.yml');
  await writeFile(
    appUpdateConfigPath,
    'provider: generic\nurl: http://127.0.0.1:9/updates/stable\nupdaterCacheDirName: vigie-updater\npublisherName:\n  - Vigie SAS\n',
  );
  const app = {
    version: opts.version,
    name: 'Vigie',
    isPackaged: true,
    appUpdateConfigPath,
    userDataPath: join(opts.dir, 'userData'),
    baseCachePath: join(opts.dir, 'cache'),
    whenReady: () => Promise.resolve(),
    relaunch: () => undefined,
    quit: () => undefined,
    onQuit: () => undefined,
  };
  const updater = new NsisUpdater(null, app);
  // Node's HTTP client with the download method of electron-updater's Electron executor (same code:
  // the response goes through builder-util-runtime's sha512 DigestTransform into the file).
  const executor = new NodeHttpExecutor();
  const doDownload = executor.doDownload as (
    requestOptions: Record<string, unknown>,
    options: Record<string, unknown>,
    redirects: number,
  ) => void;
  executor.download = (
    url: URL,
    destination: string,
    options: {
      headers?: unknown;
      cancellationToken: {
        createPromise<R>(cb: (resolve: (v: R) => void, reject: (e: Error) => void, onCancel: unknown) => void): Promise<R>;
      };
    },
  ) =>
    options.cancellationToken.createPromise<string>((resolve, reject, onCancel) => {
      const requestOptions: Record<string, unknown> = { headers: options.headers || undefined, redirect: 'manual' };
      runtime.configureRequestUrl(url, requestOptions);
      runtime.configureRequestOptions(requestOptions);
      doDownload.call(
        executor,
        requestOptions,
        {
          destination,
          options,
          onCancel,
          callback: (e: Error | null) => (e == null ? resolve(destination) : reject(e)),
          responseHandler: null,
        },
        0,
      );
    });
  updater.httpExecutor = executor;
  updater.logger = null;
  // As on Windows: the feed file is latest.yml / <channel>.yml (electron-updater picks it by platform).
  updater.createProviderRuntimeOptions = () => ({ isUseMultipleRangeRequest: true, platform: 'win32', executor: updater.httpExecutor });
  updater.verifyUpdateCodeSignature = opts.verifySignature ?? (async () => null);
  const installs: InstallCall[] = [];
  // The NSIS installer is a Windows program: record the run electron-updater asks for.
  updater.doInstall = (o: InstallCall) => {
    installs.push({ isSilent: o.isSilent, isForceRunAfter: o.isForceRunAfter });
    return true;
  };
  // electron-updater's quitAndInstall = install() (its checks, then the installer) + Electron's
  // app.quit on the next tick; keep the first part, the second needs Electron.
  const install = updater.install as (isSilent: boolean, isForceRunAfter: boolean) => boolean;
  updater.quitAndInstall = (isSilent = false, isForceRunAfter = false) => void install.call(updater, isSilent, isForceRunAfter);
  return { updater, installs, cacheDir: join(opts.dir, 'cache', 'vigie-updater') };
}
