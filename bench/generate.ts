import type { Db } from "../app/db/knex.server.ts";

/**
 * Synthetic operational data for the benchmark, generated inside Postgres
 * (generate_series, no rows through JS):
 *   provinces → districts (~14 communes each) → communes
 *   54 ethnic groups, each commune with 1–7 groups present (avg 4) plus the '00' total
 *   N sum indicators by ethnicity (+ one ratio indicator BR_RATE = B002/B001 × 100)
 *   Y yearly periods, one BENCH form per commune and year; all approved except
 *   the last year (≈ 70 % approved, the rest submitted/draft/not started)
 * Values: group value = base(submission, indicator) × weight(commune, group),
 * the '00' total = base × Σ weights — so ethnic breakdowns add up exactly and
 * the warehouse checks pass.
 */
export interface BenchSize {
  provinces: number;
  communes: number;
  indicators: number;
  years: number;
}

export async function generate(db: Db, size: BenchSize, log: (m: string) => void): Promise<{ facts: number; submissions: number; seconds: number }> {
  const t0 = performance.now();
  const firstYear = 2025 - size.years + 1;
  const districts = Math.max(size.provinces, Math.round(size.communes / 14));
  await db.raw("set session_replication_role = replica"); // skip FK triggers while bulk-loading (re-validated below)
  try {
    await db.raw(`insert into ethnicities (code, name_vi, name_en, is_minority, sort_order)
      select lpad(g::text, 2, '0'), 'Dân tộc ' || g, 'Group ' || g, g <> 1, g from generate_series(1, 54) g`);
    // provinces: ids 1..P, districts, communes — paths built from ids
    await db.raw(
      `insert into units (id, code, name, tier, kind, parent_id, path, valid_from)
       select g, 'P' || g, 'Tỉnh ' || g, 'province', 'Tỉnh', null, '/' || g || '/', '2000-01-01' from generate_series(1, ?::int) g`,
      [size.provinces],
    );
    await db.raw(
      `insert into units (id, code, name, tier, kind, parent_id, path, valid_from)
       select 100000 + g, 'D' || g, 'Huyện ' || g, 'district', 'Huyện', 1 + (g - 1) % ?::int, '/' || (1 + (g - 1) % ?::int) || '/' || (100000 + g) || '/', '2000-01-01'
         from generate_series(1, ?::int) g`,
      [size.provinces, size.provinces, districts],
    );
    await db.raw(
      `insert into units (id, code, name, tier, kind, parent_id, path, valid_from)
       select 1000000 + g, 'C' || g, 'Xã ' || g, 'commune', 'Xã', d.id, d.path || (1000000 + g) || '/', '2000-01-01'
         from generate_series(1, ?::int) g
         join units d on d.id = 100000 + 1 + (g - 1) % ?::int`,
      [size.communes, districts],
    );
    await db.raw(`select setval(pg_get_serial_sequence('units', 'id'), (select max(id) from units))`);
    await db.raw(
      `insert into indicators (id, code, name_vi, name_en, domain, unit_vi, unit_en, value_type, disaggregation, aggregation)
       select g, 'B' || lpad(g::text, 3, '0'), 'Chỉ tiêu ' || g, 'Indicator ' || g,
              (array['population','poverty','infrastructure','education','health','policy'])[1 + g % 6], 'Người', 'persons', 'integer', 'ethnicity', 'sum'
         from generate_series(1, ?::int) g`,
      [size.indicators],
    );
    await db.raw(`insert into indicators (id, code, name_vi, name_en, domain, unit_vi, unit_en, value_type, disaggregation, aggregation, numerator_code, denominator_code, ratio_scale)
      values (100000, 'BR_RATE', 'Tỷ lệ B002/B001', 'Rate B002/B001', 'poverty', '%', '%', 'decimal', 'ethnicity', 'ratio', 'B002', 'B001', 100)`);
    await db.raw(`select setval(pg_get_serial_sequence('indicators', 'id'), 100000)`);
    const [tpl] = await db("form_templates")
      .insert({ code: "BENCH", version: 1, title_vi: "Biểu thử tải", title_en: "Benchmark form", definition: JSON.stringify({ code: "BENCH" }), status: "published" })
      .returning("id");
    const templateId = (tpl as { id: number }).id;
    await db.raw(
      `insert into periods (code, type, year, start_date, end_date, reference_date, deadline, status, label_vi, label_en)
       select y::text, 'year', y, make_date(y, 1, 1), make_date(y, 12, 31), make_date(y, 12, 31), make_date(y + 1, 1, 31),
              case when y = 2025 then 'open' else 'locked' end, 'Năm ' || y, 'Year ' || y
         from generate_series(?::int, 2025) y`,
      [firstYear],
    );
    await db.raw(`insert into period_forms (period_id, form_code, template_id, tier) select id, 'BENCH', ?, 'commune' from periods`, [templateId]);

    // groups present per commune: 1–7 of the 54, weights 1–50; plus the '00' total with Σ weights
    await db.raw(`create unlogged table bench_groups (unit_id int, code text, w int)`);
    await db.raw(`
      insert into bench_groups
      select c.id, lpad((1 + ((hashint4(c.id * 7 + k)::bigint & 2147483647) % 54))::text, 2, '0'), 1 + (hashint4(c.id * 13 + k)::bigint & 2147483647) % 50
        from units c, generate_series(1, 7) k
       where c.tier = 'commune' and k <= 1 + (hashint4(c.id)::bigint & 2147483647) % 7`);
    await db.raw(`delete from bench_groups a using bench_groups b where a.ctid < b.ctid and a.unit_id = b.unit_id and a.code = b.code`);
    await db.raw(`insert into bench_groups select unit_id, '00', sum(w) from bench_groups group by unit_id`);

    await db.raw(`
      insert into submissions (period_id, form_code, template_id, unit_id, approver_unit_id, status, submitted_at, first_submitted_at, approved_at, updated_at, created_at)
      select p.id, 'BENCH', ?, c.id, c.parent_id, st.status,
             case when st.status <> 'draft' then make_date(p.year + 1, 1, 10)::timestamptz end,
             case when st.status <> 'draft' then make_date(p.year + 1, 1, 10)::timestamptz end,
             case when st.status = 'approved' then make_date(p.year + 1, 1, 20)::timestamptz end,
             now() - interval '1 day', now() - interval '1 day'
        from periods p
        cross join units c
        cross join lateral (select case when p.year < 2025 then 'approved'
                                        else (array['approved','approved','approved','approved','approved','approved','approved','submitted','submitted','draft'])[1 + (hashint4(c.id)::bigint & 2147483647) % 10] end as status) st
       where c.tier = 'commune' and (p.year < 2025 or (hashint4(c.id + 1)::bigint & 2147483647) % 20 <> 0)`,
      [templateId],
    );
    const [{ n: subs }] = (await db.raw(`select count(*)::int as n from submissions`)).rows;
    log(`  ${subs.toLocaleString("vi-VN")} phiếu; sinh số liệu…`);

    // the values: without the PK index while loading (rebuilt after), as a bulk load would
    await db.raw(`alter table submission_values drop constraint submission_values_pkey`);
    await db.raw(`
      insert into submission_values (submission_id, indicator_id, ethnicity_code, sex, value, updated_at)
      select s.id, i.id, g.code, 'T', (1 + (hashint4(s.id * 211 + i.id)::bigint & 2147483647) % 97) * g.w, s.created_at
        from submissions s
        join bench_groups g on g.unit_id = s.unit_id
        cross join (select id from indicators where aggregation = 'sum') i`);
    log(`  khóa chính và chỉ mục… / primary key and indexes…`);
    await db.raw(`alter table submission_values add constraint submission_values_pkey primary key (submission_id, indicator_id, ethnicity_code, sex)`);
    await db.raw(`drop table bench_groups`);
  } finally {
    await db.raw("set session_replication_role = origin");
  }
  await db.raw("analyze");
  return { ...(await measureExisting(db)), seconds: (performance.now() - t0) / 1000 };
}

/** Facts and submissions of a generated (or kept, `--reuse`) bench database. */
export async function measureExisting(db: Db): Promise<{ facts: number; submissions: number; seconds: number }> {
  const [{ n: facts }] = (await db.raw(`select count(*)::bigint as n from submission_values v join submissions s on s.id = v.submission_id where s.status = 'approved'`)).rows;
  const [{ n: submissions }] = (await db.raw(`select count(*)::int as n from submissions`)).rows;
  return { facts: Number(facts), submissions, seconds: 0 };
}

/**
 * The indexes a competent DBA would add for the dashboard questions over the
 * operational tables: a covering index by indicator (index-only scans of
 * value), submissions by period and status, and the existing unit path index.
 */
export async function addPostgresIndexes(db: Db): Promise<number> {
  const t0 = performance.now();
  await db.raw(`set maintenance_work_mem = '1GB'`);
  await db.raw(`create index if not exists bench_sv_indicator_idx on submission_values (indicator_id, ethnicity_code, sex) include (submission_id, value)`);
  await db.raw(`create index if not exists bench_sub_period_idx on submissions (period_id, status) include (id, unit_id)`);
  await db.raw(`create index if not exists bench_sub_id_cov_idx on submissions (id) include (period_id, unit_id, status)`);
  await db.raw(`create index if not exists bench_units_tier_idx on units (tier) include (id, parent_id, path)`);
  await db.raw(`vacuum analyze submission_values`);
  await db.raw(`vacuum analyze submissions`);
  // the index builds' dirty pages written now, not by the checkpointer during the measurements
  await db.raw(`checkpoint`);
  return (performance.now() - t0) / 1000;
}
