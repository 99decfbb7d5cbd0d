-- Migration 002: Orleans ADO.NET grain storage (IPersistentState<T> through AddAdoNetGrainStorage).
--
-- Orleans.Persistence.AdoNet reads the texts of WriteToStorageKey, ReadFromStorageKey, ClearStorageKey and (optional)
-- DeleteStorageKey from OrleansQuery and runs them with the parameters @ServiceId, @GrainTypeString (in Orleans 7+
-- this is the state's name, e.g. "state" or the name given to [PersistentState]), @GrainIdN0, @GrainIdN1,
-- @GrainIdExtensionString (the grain's string key, or the extension of a long/Guid key, or null), @GrainIdHash,
-- @GrainTypeHash, @GrainStateVersion (the caller's ETag as an integer, null when it has none) and @PayloadBinary
-- (the serialized state). Those names, and the result columns PayloadBinary, Version and NewGrainStateVersion, are
-- fixed by Orleans; the layout is ours. The two hashes are not needed here: the full key is the primary key.
--
-- Concurrency: every change is conditional on the version the caller holds and returns the new version; a caller
-- with a stale version changes nothing and gets no row back, which Orleans turns into InconsistentStateException.
-- Versions of a row only ever move forward, also across a "delete" (see DeleteStorageKey), so an old ETag can never
-- match again (they wrap from 2147483647 to 1, as Orleans parses ETags as 32-bit integers).
--
-- Safe to run again: every object is created only when missing, and the query texts are upserted.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  text PRIMARY KEY,
    QueryText text NOT NULL
);

CREATE TABLE IF NOT EXISTS orleans_grain_state
(
    service_id       text        NOT NULL,
    state_name       text        NOT NULL,
    grain_key_n0     bigint      NOT NULL,
    grain_key_n1     bigint      NOT NULL,
    -- The string part of the key ('' when there is none; grain_key_has_string tells '' from none).
    grain_key_string text        NOT NULL,
    grain_key_has_string boolean NOT NULL,
    -- The serialized state; null after a clear or a delete.
    payload          bytea       NULL,
    version          integer     NOT NULL,
    -- Set by DeleteStorageKey: the state is gone and a writer without a version may create it again.
    deleted          boolean     NOT NULL DEFAULT false,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, state_name, grain_key_n1, grain_key_n0, grain_key_string, grain_key_has_string)
);

INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES
-- The state and its version; no row when the grain never wrote (PayloadBinary is null after a clear).
('ReadFromStorageKey', $sql$
SELECT payload AS "PayloadBinary", version AS "Version"
FROM orleans_grain_state
WHERE service_id = @ServiceId AND state_name = @GrainTypeString
  AND grain_key_n1 = @GrainIdN1 AND grain_key_n0 = @GrainIdN0
  AND grain_key_string = coalesce(@GrainIdExtensionString, '')
  AND grain_key_has_string = (@GrainIdExtensionString IS NOT NULL)
$sql$),

-- Writes the state. With a version: only if the row still has it. Without one: only if there is no row yet, or the
-- row was deleted. Returns the new version, or no row when the caller's version is stale.
('WriteToStorageKey', $sql$
WITH updated AS (
    UPDATE orleans_grain_state
    SET payload = @PayloadBinary,
        version = CASE WHEN version = 2147483647 THEN 1 ELSE version + 1 END,
        deleted = false,
        updated_at = now()
    WHERE service_id = @ServiceId AND state_name = @GrainTypeString
      AND grain_key_n1 = @GrainIdN1 AND grain_key_n0 = @GrainIdN0
      AND grain_key_string = coalesce(@GrainIdExtensionString, '')
      AND grain_key_has_string = (@GrainIdExtensionString IS NOT NULL)
      AND version = @GrainStateVersion
    RETURNING version
), created AS (
    INSERT INTO orleans_grain_state AS s
        (service_id, state_name, grain_key_n0, grain_key_n1, grain_key_string, grain_key_has_string, payload, version)
    SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, coalesce(@GrainIdExtensionString, ''),
           @GrainIdExtensionString IS NOT NULL, @PayloadBinary, 1
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT (service_id, state_name, grain_key_n1, grain_key_n0, grain_key_string, grain_key_has_string)
    DO UPDATE SET payload = excluded.payload,
                  version = CASE WHEN s.version = 2147483647 THEN 1 ELSE s.version + 1 END,
                  deleted = false,
                  updated_at = now()
       WHERE s.deleted
    RETURNING version
)
SELECT version AS "NewGrainStateVersion" FROM updated
UNION ALL
SELECT version FROM created
$sql$),

-- Clears the state (DeleteStateOnClear = false, the default): drops the payload, keeps the row and advances the
-- version, which Orleans hands back to the grain as its new ETag. No row when the caller's version is stale.
('ClearStorageKey', $sql$
UPDATE orleans_grain_state
SET payload = NULL,
    version = CASE WHEN version = 2147483647 THEN 1 ELSE version + 1 END,
    deleted = false,
    updated_at = now()
WHERE service_id = @ServiceId AND state_name = @GrainTypeString
  AND grain_key_n1 = @GrainIdN1 AND grain_key_n0 = @GrainIdN0
  AND grain_key_string = coalesce(@GrainIdExtensionString, '')
  AND grain_key_has_string = (@GrainIdExtensionString IS NOT NULL)
  AND version = @GrainStateVersion
RETURNING version AS "NewGrainStateVersion"
$sql$),

-- The clear of DeleteStateOnClear = true: Orleans then forgets the ETag and writes the next state without one.
-- The row stays as a payload-less tombstone that remembers the version, so that write continues the version
-- sequence instead of restarting it, and a writer still holding an ETag from before the delete cannot match.
-- No row when the caller's version is stale.
('DeleteStorageKey', $sql$
UPDATE orleans_grain_state
SET payload = NULL,
    version = CASE WHEN version = 2147483647 THEN 1 ELSE version + 1 END,
    deleted = true,
    updated_at = now()
WHERE service_id = @ServiceId AND state_name = @GrainTypeString
  AND grain_key_n1 = @GrainIdN1 AND grain_key_n0 = @GrainIdN0
  AND grain_key_string = coalesce(@GrainIdExtensionString, '')
  AND grain_key_has_string = (@GrainIdExtensionString IS NOT NULL)
  AND version = @GrainStateVersion
RETURNING version AS "NewGrainStateVersion"
$sql$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
