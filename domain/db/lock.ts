import fs from "node:fs";

/**
 * PGlite serves one process per data directory and has no lock of its own: two processes on one
 * folder both serve and each loses the other's writes. The lock is a file beside the folder
 * holding the owner's pid; a lock whose pid no longer runs (the owner crashed) is stale and taken
 * over. ADR 0025.
 */
export class DataDirLockedError extends Error {
  override name = "DataDirLockedError";
}

export interface DataDirLock {
  path: string;
  release(): void;
}

export function lockPathOf(dataDir: string): string {
  return `${dataDir.replace(/[/\\]+$/, "")}.lock`;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readHolder(lockPath: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(lockPath, "utf8").trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the lock of `dataDir` or throws a DataDirLockedError whose message is one line. */
export function lockDataDir(dataDir: string): DataDirLock {
  const lockPath = lockPathOf(dataDir);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(lockPath, `${process.pid}\n`, { flag: "wx" });
      const release = () => {
        process.off("exit", release);
        if (readHolder(lockPath) === process.pid) fs.rmSync(lockPath, { force: true });
      };
      // A process.exit() without close() still leaves no lock behind; a crash leaves a stale one.
      process.on("exit", release);
      return { path: lockPath, release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = readHolder(lockPath);
    if (holder !== undefined && holder !== process.pid && isRunning(holder)) {
      throw new DataDirLockedError(
        `The embedded database ${dataDir} is in use by process ${holder} (lock file ${lockPath}); ` +
          `PGlite serves one process: stop that one first, or set DATABASE_URL to use PostgreSQL.`,
      );
    }
    // Stale (its process is gone), half-written, or our own: remove it and try again.
    fs.rmSync(lockPath, { force: true });
  }
  throw new DataDirLockedError(`Could not take the lock ${lockPath} on the embedded database ${dataDir}.`);
}
