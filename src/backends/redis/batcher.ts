/** Most requests sent in one script call. */
const MAX_BATCH = 256;

interface Pending<Req, Reply> {
  request: Req;
  resolve: (reply: Reply) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit of one script: requests made during one turn of the event loop are sent together
 * on the next, as one script call that handles each on its own and answers each (a runner's 50
 * slots finishing together cost one round trip and one script run, not 50). The script is still
 * one atomic primitive; a request's refusal is its own reply, and only a failure of the call
 * itself rejects the whole batch.
 */
export class ScriptBatcher<Req, Reply> {
  private queue: Array<Pending<Req, Reply>> = [];
  private scheduled = false;

  /**
   * `send` runs the script for `requests` and returns one reply per request, in order. `rank`
   * orders the requests of one batch (lower first, stable): requests made during the same turn
   * are concurrent, so any order among them is one they could have had. A batch is cut after
   * each request `endsCall` accepts, so that each such request gets its reply as soon as its
   * own call is done (two claims of one runner answered apart keep its work flowing while
   * the other call runs).
   */
  constructor(
    private readonly send: (requests: Req[]) => Promise<Reply[]>,
    private readonly rank?: (request: Req) => number,
    private readonly endsCall?: (request: Req) => boolean,
  ) {}

  submit(request: Req): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const { rank, endsCall } = this;
    const all = this.queue;
    this.queue = [];
    if (rank) all.sort((a, b) => rank(a.request) - rank(b.request));
    let start = 0;
    for (let i = 0; i < all.length; i++) {
      const last = i + 1 === all.length || i + 1 - start >= MAX_BATCH;
      if (last || endsCall?.((all[i] as Pending<Req, Reply>).request)) {
        this.sendBatch(all.slice(start, i + 1));
        start = i + 1;
      }
    }
  }

  private sendBatch(batch: Array<Pending<Req, Reply>>): void {
    this.send(batch.map((p) => p.request)).then(
      (replies) => {
        batch.forEach((pending, i) => {
          if (i < replies.length) pending.resolve(replies[i] as Reply);
          else pending.reject(new Error(`redis: a batch of ${batch.length} got ${replies.length} replies`));
        });
      },
      (error: unknown) => {
        for (const pending of batch) pending.reject(error);
      },
    );
  }
}
