import type { EtlProgress } from "./runner.ts";
import type { EtlSummary } from "./runner.ts";

const PHASES: Record<EtlProgress["phase"], string> = {
  lock: "chờ khóa / lock",
  dims: "danh mục / dimensions",
  changes: "thay đổi / changes",
  facts: "đọc số liệu / facts",
  derive: "ghi số liệu (T = M + F) / write facts",
  submissions: "tiến độ nộp / completeness",
  marts: "bảng tổng hợp / marts",
  checks: "kiểm tra / checks",
  commit: "ghi / commit",
  done: "xong / done",
};

const fmt = (n: number) => n.toLocaleString("vi-VN");

/** A one-line progress bar on a terminal (stderr); silent when not a TTY. */
export function createProgressBar(stream: NodeJS.WriteStream = process.stderr): { update(p: EtlProgress): void; end(): void } {
  const tty = Boolean(stream.isTTY);
  let last = 0;
  let drawn = false;
  return {
    update(p) {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 100 && p.phase === "facts") return;
      last = now;
      const width = 30;
      const frac = p.estimate ? Math.min(1, p.rowsRead / p.estimate) : null;
      const bar = frac === null ? "" : `[${"█".repeat(Math.round(frac * width)).padEnd(width, "░")}] ${(frac * 100).toFixed(0).padStart(3)}% `;
      stream.write(`\r\x1b[2K${bar}${fmt(p.rowsRead)} dòng · ${PHASES[p.phase]}`);
      drawn = true;
    },
    end() {
      if (tty && drawn) stream.write("\r\x1b[2K");
    },
  };
}

/** The one-line summary: rows read, facts written, retracted, checks passed, seconds. */
export function summaryLine(s: EtlSummary): string {
  const total = s.checksPassed + s.checksFailed;
  return (
    `ETL ${s.mode === "full" ? "toàn bộ / full" : "tăng dần / incremental"} #${s.runId}: ` +
    `đọc ${fmt(s.rowsRead)} dòng, ghi ${fmt(s.factsWritten)} facts, rút ${fmt(s.factsRetracted)}, ` +
    `${s.submissionsChanged} phiếu thay đổi, kiểm tra ${s.checksPassed}/${total} đạt, ${s.seconds.toFixed(2)} s`
  );
}
