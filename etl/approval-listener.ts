import pg from "pg";

/**
 * LISTEN etl_approval (notified by a trigger of migration 200 whenever a
 * submission enters or leaves "approved") and call onApproval for each. The
 * scheduler debounces these into one incremental run. Reconnects after a
 * dropped connection.
 */
export interface ApprovalListener {
  stop(): Promise<void>;
}

export async function listenForApprovals(url: string, onApproval: (submissionId: number) => void, log: (m: string) => void = () => undefined): Promise<ApprovalListener> {
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | null = null;

  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString: url, application_name: "csdl-dan-toc-etl-listen" });
    c.on("notification", (n) => {
      if (n.channel === "etl_approval") onApproval(Number(n.payload));
    });
    c.on("error", (e) => {
      log(`approval listener: ${e.message}; reconnecting`);
      client = null;
      void c.end().catch(() => undefined);
      if (!stopped) retry = setTimeout(() => void connect().catch(() => undefined), 5000);
    });
    await c.connect();
    await c.query("listen etl_approval");
    client = c;
  }
  await connect();
  return {
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
