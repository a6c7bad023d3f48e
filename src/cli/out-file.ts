/**
 * `--out FILE`, written whole or not at all: the output goes to a temporary file beside FILE
 * (same folder, so the rename is atomic) and is renamed to FILE once complete. A run killed
 * half-way leaves nothing at FILE (at most its temporary, `.FILE.dmaspec-PID-N.tmp`, which a
 * signal or an error removes); two runs writing one FILE each rename a complete file, and
 * the last rename wins. A FILE that exists and is not a regular file (/dev/null,
 * /dev/stdout, a FIFO) is written in place: it holds no contents to protect, and a rename
 * would replace the device.
 *
 * Every failure (the folder is missing or read-only, the disk is full) is an
 * {@link OutputError} naming the option and the file: exit status 5.
 * @module
 */
import { accessSync, closeSync, constants, fchmodSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BroadcastChannel, isMainThread } from 'node:worker_threads';
import { OutputError } from './output-error.ts';

/** An output being written. */
export interface OutFile {
  /** Appends `text`. @throws OutputError */
  write(text: string): void;
  /** Done: renames the temporary file to the target. @throws OutputError */
  commit(): void;
  /** Gives up: removes the temporary file; the target is left as it was. */
  abort(): void;
}

/**
 * Temporary files being written, in this thread; the main thread also hears of those of the
 * check worker (src/cli/worker-host.ts), so that quitting on a second signal removes them.
 */
const pending = new Set<string>();
/** Tells the main thread which temporary files a worker thread has open. */
const channel = new BroadcastChannel('dmaspec-out-files');
channel.unref();
if (isMainThread) {
  channel.onmessage = (e) => {
    const { add, remove } = (e as MessageEvent).data as { add?: string; remove?: string };
    if (add) pending.add(add);
    if (remove) pending.delete(remove);
  };
  // A signal or an error that ends the process removes what was not finished.
  process.on('exit', () => removePendingOutFiles());
}

const track = (path: string, on: boolean) => {
  if (on) pending.add(path);
  else pending.delete(path);
  if (!isMainThread) channel.postMessage(on ? { add: path } : { remove: path });
};

/** Removes every temporary file not yet renamed (on the way out of the process). */
export function removePendingOutFiles(): void {
  for (const p of pending)
    try {
      unlinkSync(p);
    } catch {
      // Already gone (renamed by its thread just now, or removed by hand).
    }
  pending.clear();
}

let serial = 0;

/** Whether `file` exists and is something other than a regular file (a device, a FIFO). */
function isSpecial(file: string): boolean {
  try {
    return !statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Where an output goes: its open file, how it is finished (renamed into place) and given up. */
interface Target {
  readonly fd: number;
  finish(): void;
  discard(): void;
}

/** A device or FIFO, written in place. */
function inPlace(file: string): Target {
  let fd = openSync(file, 'w');
  const close = () => {
    if (fd >= 0) closeSync(fd);
    fd = -1;
  };
  return { fd, finish: close, discard: close };
}

/** A temporary file beside `file`, renamed to it when finished. */
function beside(file: string): Target {
  const temp = join(dirname(file), `.${basename(file)}.dmaspec-${process.pid}-${serial++}.tmp`);
  // A file the user may not write is not replaced either (a rename needs only the folder).
  const mode = existingMode(file);
  if (mode !== undefined) accessSync(file, constants.W_OK);
  let fd = openSync(temp, 'wx');
  track(temp, true);
  const discard = () => {
    try {
      if (fd >= 0) closeSync(fd);
      fd = -1;
      unlinkSync(temp);
    } catch {
      // Nothing left to remove.
    }
    track(temp, false);
  };
  try {
    // A file replaced keeps its permissions.
    if (mode !== undefined) fchmodSync(fd, mode);
  } catch (err) {
    discard();
    throw err;
  }
  const finish = () => {
    closeSync(fd);
    fd = -1;
    renameSync(temp, file);
    track(temp, false);
  };
  return { fd, finish, discard };
}

/**
 * Opens `--out FILE` (`option` names it in messages) before any work, so that an unwritable
 * folder fails at once. @throws OutputError
 */
export function openOutFile(file: string, option = '--out'): OutFile {
  const fail = (err: unknown): never => {
    throw new OutputError(`cannot write ${option} ${file}: ${(err as Error).message}`);
  };
  let target: Target;
  try {
    target = isSpecial(file) ? inPlace(file) : beside(file);
  } catch (err) {
    return fail(err);
  }
  /** Runs `step`; a failure gives the output up and names it. */
  const guarded = (step: () => void) => {
    try {
      step();
    } catch (err) {
      target.discard();
      fail(err);
    }
  };
  return {
    write: (text) => guarded(() => writeAll(target.fd, text)),
    commit: () => guarded(() => target.finish()),
    abort: () => target.discard(),
  };
}

/** Writes all of `text` (a write may take only part of it). */
function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
}

/** The permission bits of an existing regular file, or undefined. */
function existingMode(file: string): number | undefined {
  try {
    return statSync(file).mode & 0o7777;
  } catch {
    return undefined;
  }
}
