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

/**
 * Opens `--out FILE` (`option` names it in messages) before any work, so that an unwritable
 * folder fails at once. @throws OutputError
 */
export function openOutFile(file: string, option = '--out'): OutFile {
  const fail = (err: unknown): never => {
    throw new OutputError(`cannot write ${option} ${file}: ${(err as Error).message}`);
  };
  if (isSpecial(file)) {
    let fd = -1;
    try {
      fd = openSync(file, 'w');
    } catch (err) {
      fail(err);
    }
    const close = () => {
      if (fd >= 0) closeSync(fd);
      fd = -1;
    };
    return {
      write: (text) => {
        try {
          writeAll(fd, text);
        } catch (err) {
          close();
          fail(err);
        }
      },
      commit: close,
      abort: close,
    };
  }
  const temp = join(dirname(file), `.${basename(file)}.dmaspec-${process.pid}-${serial++}.tmp`);
  let fd = -1;
  try {
    // A file the user may not write is not replaced either (a rename needs only the folder).
    if (existingMode(file) !== undefined) accessSync(file, constants.W_OK);
    fd = openSync(temp, 'wx');
    track(temp, true);
    // A file replaced keeps its permissions.
    const mode = existingMode(file);
    if (mode !== undefined) fchmodSync(fd, mode);
  } catch (err) {
    if (fd >= 0) discard();
    fail(err);
  }
  function discard() {
    try {
      if (fd >= 0) closeSync(fd);
      fd = -1;
      unlinkSync(temp);
    } catch {
      // Nothing left to remove.
    }
    track(temp, false);
  }
  return {
    write: (text) => {
      try {
        writeAll(fd, text);
      } catch (err) {
        discard();
        fail(err);
      }
    },
    commit: () => {
      try {
        closeSync(fd);
        fd = -1;
        renameSync(temp, file);
        track(temp, false);
      } catch (err) {
        discard();
        fail(err);
      }
    },
    abort: discard,
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

/** Writes `text` to `--out FILE` whole (temporary file, then rename). @throws OutputError */
export function writeOutFile(file: string, text: string, option = '--out'): void {
  const out = openOutFile(file, option);
  out.write(text);
  out.commit();
}
