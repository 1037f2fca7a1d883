-- Which Idempotency-Key requests are being handled right now. The key-value store keeps the
-- answers (they may expire) but cannot compare-and-set, so a retry racing its first attempt could
-- run twice; claiming the key here first (one atomic INSERT) lets exactly one of them run while
-- the other is told to retry, and then gets the stored answer. A row lives only while its request
-- runs; one left by an instance that stopped mid-request is taken over once it is stale.
-- Owner: the foundation (itsm-http's idempotency middleware, in every component).
CREATE TABLE IF NOT EXISTS idempotency_claim (
    claim_key TEXT PRIMARY KEY,         -- the same hash of caller and key as the stored answer's
    claimed_at INTEGER NOT NULL         -- Unix seconds
) WITHOUT ROWID;
