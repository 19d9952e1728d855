// A cache of the poll's read (GET /api/v1/jobs/{id}) that is never stale, even with several
// processes on one data directory (an API-only server next to a rendering one, the CLI).
//
// Every process that writes the jobs table appends a byte to the change file after its commit
// (`JobChangeSignal.bump`). Before each cached read, the cache looks at the file's size and
// modification time (one fstat): if they moved since it last looked, some job changed somewhere,
// and every cached view is dropped. A view is cached under the state seen *before* its read, so a
// commit that lands between the look and the read only makes the entry newer than needed, and a
// commit after the read has bumped the file by the time anyone could know of it (its webhook is
// sent later). The only window is between a commit and its bump, microseconds in which a reader
// is exactly as stale as one that read just before the commit.
//
// The file is emptied when it reaches 1 MiB. Every state after that differs from every state
// before it (far smaller), and getting back to a size once seen takes another MiB of bumps, which
// cannot happen within one tick of the file clock, so size + mtime never repeat. It must not be
// deleted while a process has it open (like the database's -wal and -shm files).
//
// Measured with bench/api.ts: the read was ≈ 45 µs of a ≈ 200 µs poll; the fstat costs a few µs.
// One signal for all jobs keeps the check to one syscall: invalidations come at the rate jobs
// are written (submissions, heartbeats every lease/3, completions), which under a polling load
// of thousands of requests a second still leaves nearly every poll a hit.
import { closeSync, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import type { JobView } from '../records.js';

/** At this size the change file is emptied (see above). */
const EMPTY_AT_BYTES = 1 << 20;
/** A bound on memory: past this many views, the cache starts over. */
const MAX_VIEWS = 10_000;

/** One per process and data directory: bumped by every write of a job, watched by the cache. */
export class JobChangeSignal {
  /** O_APPEND: each bump is one atomic write at the end, whoever else writes. */
  private readonly fd: number;

  constructor(path: string) {
    this.fd = openSync(path, 'a');
  }

  /** Call after every commit that changed a job row. */
  bump(): void {
    writeSync(this.fd, '.');
    if (fstatSync(this.fd).size >= EMPTY_AT_BYTES) ftruncateSync(this.fd, 0);
  }

  /** The file's state now: equal states mean no job was written in between. */
  state(): { size: number; mtimeMs: number } {
    return fstatSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}

export class JobViewCache {
  private readonly views = new Map<string, JobView>();
  private seenSize = -1;
  private seenMtimeMs = -1;

  constructor(private readonly signal: JobChangeSignal) {}

  /** The view of job `id` for `accountId`, from the cache while no job changed, else `read()`. */
  get(id: string, accountId: string, read: () => JobView | undefined): JobView | undefined {
    const now = this.signal.state();
    if (now.size !== this.seenSize || now.mtimeMs !== this.seenMtimeMs) {
      this.views.clear();
      this.seenSize = now.size;
      this.seenMtimeMs = now.mtimeMs;
    }
    const key = `${id}\n${accountId}`;
    const cached = this.views.get(key);
    if (cached) return cached;
    const view = read();
    if (view) {
      if (this.views.size >= MAX_VIEWS) this.views.clear();
      // Shared by every later poll until the next change: nobody may edit it.
      this.views.set(key, Object.freeze(view));
    }
    return view;
  }
}
