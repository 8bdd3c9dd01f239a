import { describe, expect, it } from 'vitest';
import { plainDate } from '../kernel/index.ts';
import { Metrics } from './metrics.ts';

/** The value of one sample line of a scrape, e.g. `netfin_group_commit_queue_depth{queue="bids"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('a group-commit queue watched by the metrics', () => {
  it('keeps each lane first in, first out: depth, groups and waits per caller', async () => {
    const metrics = new Metrics();
    metrics.bids.joined('listing-a');
    metrics.bids.joined('listing-a');
    metrics.bids.joined('listing-b');
    metrics.bids.joined('listing-a');
    let text = await metrics.scrape();
    expect(sample(text, 'netfin_group_commit_queue_depth{queue="bids"}')).toBe(4);

    metrics.bids.left(2, 'listing-a');
    text = await metrics.scrape();
    expect(sample(text, 'netfin_group_commit_queue_depth{queue="bids"}')).toBe(2);
    expect(sample(text, 'netfin_group_commit_group_size_count{queue="bids"}')).toBe(1);
    expect(sample(text, 'netfin_group_commit_group_size_sum{queue="bids"}')).toBe(2);
    expect(sample(text, 'netfin_group_commit_wait_seconds_count{queue="bids"}')).toBe(2);

    metrics.bids.left(1, 'listing-b');
    metrics.bids.left(1, 'listing-a');
    text = await metrics.scrape();
    expect(sample(text, 'netfin_group_commit_queue_depth{queue="bids"}')).toBe(0);
    expect(sample(text, 'netfin_group_commit_wait_seconds_count{queue="bids"}')).toBe(4);
    expect(sample(text, 'netfin_group_commit_group_size_count{queue="bids"}')).toBe(3);
    // The other queues are there, empty, from the start.
    expect(sample(text, 'netfin_group_commit_queue_depth{queue="ledger"}')).toBe(0);
  });

  it('counts each platform on its own: two registries in one process do not share a series', async () => {
    const one = new Metrics();
    const two = new Metrics();
    one.httpRoute('GET', '/healthz')(200, 0.002);
    one.httpRoute('GET', '/healthz')(200, 0.003);
    const series = 'netfin_http_request_duration_seconds_count{method="GET",route="/healthz",status="200"}';
    expect(sample(await one.scrape(), series)).toBe(2);
    expect(sample(await two.scrape(), series)).toBeUndefined();
  });

  it('says the open exceptions are not known (NaN, not 0) when the database does not answer, and scrapes the rest', async () => {
    const metrics = new Metrics();
    metrics.watchPlatform({
      businessDate: () => plainDate('2026-01-05'),
      openExceptions: () => Promise.reject(new Error('the database is closing')),
    });
    const text = await metrics.scrape();
    expect(sample(text, 'netfin_payment_exceptions_open')).toBeNaN();
    expect(sample(text, 'netfin_business_date_timestamp_seconds')).toBe(
      Date.parse('2026-01-04T16:00:00Z') / 1000,
    );
  });
});
