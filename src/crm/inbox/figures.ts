/** The inbox's figures: volume, first-response and resolution times against their SLA, satisfaction. */
export interface FigureRow {
  category: string;
  owner_id: string | null;
  first_response_due: Date;
  resolution_due: Date;
  first_response_at: Date | null;
  resolved_at: Date | null;
  created_at: Date;
  rating: number | null;
}

export interface TimerFigures {
  /** Tickets whose timer stopped (answered, or resolved). */
  readonly done: number;
  /** Of those, in time. */
  readonly met: number;
  /** met / done, four decimals ("0.7500"); null with none done. */
  readonly metShare: string | null;
  /** The average minutes to the stop, one decimal; null with none done. */
  readonly averageMinutes: string | null;
}

export interface GroupFigures {
  readonly volume: number;
  readonly firstResponse: TimerFigures;
  readonly resolution: TimerFigures;
  readonly satisfaction: { readonly ratings: number; readonly average: string | null };
}

/** A share in four decimals, computed in integers (no binary floating point in the figure). */
function share(part: number, whole: number): string | null {
  if (whole === 0) return null;
  const scaled = Math.round((part * 10_000) / whole);
  return `${Math.floor(scaled / 10_000)}.${String(scaled % 10_000).padStart(4, '0')}`;
}

function tenths(totalTenths: number, count: number): string | null {
  if (count === 0) return null;
  const t = Math.round(totalTenths / count);
  return `${Math.floor(t / 10)}.${t % 10}`;
}

function timer(
  rows: readonly FigureRow[],
  stop: 'first_response_at' | 'resolved_at',
  due: 'first_response_due' | 'resolution_due',
): TimerFigures {
  const done = rows.filter((r) => r[stop] !== null);
  const met = done.filter((r) => r[stop]!.getTime() <= r[due].getTime()).length;
  const tenthsOfMinutes = done.reduce(
    (sum, r) => sum + Math.round((r[stop]!.getTime() - r.created_at.getTime()) / 6_000),
    0,
  );
  return {
    done: done.length,
    met,
    metShare: share(met, done.length),
    averageMinutes: tenths(tenthsOfMinutes, done.length),
  };
}

function group(rows: readonly FigureRow[]): GroupFigures {
  const rated = rows.filter((r) => r.rating !== null);
  return {
    volume: rows.length,
    firstResponse: timer(rows, 'first_response_at', 'first_response_due'),
    resolution: timer(rows, 'resolved_at', 'resolution_due'),
    satisfaction: {
      ratings: rated.length,
      average:
        rated.length === 0
          ? null
          : share(
              rated.reduce((s, r) => s + r.rating!, 0),
              rated.length,
            ),
    },
  };
}

function by<K>(rows: readonly FigureRow[], key: (r: FigureRow) => K): Map<K, FigureRow[]> {
  const groups = new Map<K, FigureRow[]>();
  for (const r of rows) {
    const k = key(r);
    const list = groups.get(k);
    if (list) list.push(r);
    else groups.set(k, [r]);
  }
  return groups;
}

export function inboxFigures(rows: readonly FigureRow[]) {
  return {
    total: group(rows),
    byCategory: [...by(rows, (r) => r.category)]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([category, list]) => ({ category, ...group(list) })),
    byAgent: [...by(rows, (r) => r.owner_id)]
      .sort(([a], [b]) => (a ?? '').localeCompare(b ?? ''))
      .map(([agentId, list]) => ({ agentId, ...group(list) })),
  };
}
