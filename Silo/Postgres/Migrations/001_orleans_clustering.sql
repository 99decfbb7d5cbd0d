-- Migration 001: Orleans ADO.NET clustering (silo membership table and the clients' gateway list).
--
-- Orleans reads its SQL from the table OrleansQuery (it runs "SELECT QueryKey, QueryText FROM OrleansQuery",
-- unquoted, so the table is orleansquery with columns querykey and querytext) and then runs each text with named
-- parameters (@DeploymentId, @Address, ...). The keys, the parameter names and the result column names are fixed
-- by Orleans.Clustering.AdoNet; everything else here is ours.
--
-- Model: one version row per cluster (orleans_membership_version) and one row per silo (orleans_membership).
-- Every change to a silo row goes through the version row: it succeeds only if the caller saw the current version,
-- and it advances the version by one. The silo row and the version bump commit together or not at all.
--
-- Safe to run again: every object is created only when missing, and the query texts are upserted.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  text PRIMARY KEY,
    QueryText text NOT NULL
);

CREATE TABLE IF NOT EXISTS orleans_membership_version
(
    cluster_id text        PRIMARY KEY,
    version    integer     NOT NULL DEFAULT 0,
    changed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS orleans_membership
(
    cluster_id      text        NOT NULL REFERENCES orleans_membership_version (cluster_id) ON DELETE CASCADE,
    address         text        NOT NULL,
    port            integer     NOT NULL,
    generation      integer     NOT NULL,
    silo_name       text        NOT NULL,
    host_name       text        NOT NULL,
    -- Orleans.Runtime.SiloStatus as a number: 3 Active, 4 ShuttingDown, 5 Stopping, 6 Dead.
    status          integer     NOT NULL,
    -- The gateway port; 0 when the silo is no gateway.
    proxy_port      integer     NOT NULL DEFAULT 0,
    -- Orleans's own text: "silo,date|silo,date|..." (suspicion votes), or null.
    suspect_times   text        NULL,
    start_time      timestamptz NOT NULL,
    i_am_alive_time timestamptz NOT NULL,
    PRIMARY KEY (cluster_id, address, port, generation)
);

INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES
-- The cluster's version row, created by every silo at start; true only for the one that created it.
('InsertMembershipVersionKey', $sql$
WITH created AS (
    INSERT INTO orleans_membership_version (cluster_id)
    VALUES (@DeploymentId)
    ON CONFLICT (cluster_id) DO NOTHING
    RETURNING 1
)
SELECT count(*)::integer FROM created
$sql$),

-- A silo joins: true if the row was added and the version advanced, false if @Version is stale or the row exists.
-- The version row is locked first and re-checked after the lock, so of two writers holding the same version only
-- one gets through; the bump happens only when the insert did.
('InsertMembershipKey', $sql$
WITH expected AS (
    SELECT cluster_id
    FROM orleans_membership_version
    WHERE cluster_id = @DeploymentId AND version = @Version
    FOR UPDATE
), added AS (
    INSERT INTO orleans_membership
        (cluster_id, address, port, generation, silo_name, host_name, status, proxy_port, start_time, i_am_alive_time)
    SELECT cluster_id, @Address, @Port, @Generation, coalesce(@SiloName, ''), coalesce(@HostName, ''), @Status,
           coalesce(@ProxyPort, 0), @StartTime, @IAmAliveTime
    FROM expected
    ON CONFLICT (cluster_id, address, port, generation) DO NOTHING
    RETURNING cluster_id
), bumped AS (
    UPDATE orleans_membership_version AS v
    SET version = v.version + 1, changed_at = now()
    FROM added
    WHERE v.cluster_id = added.cluster_id
    RETURNING 1
)
SELECT count(*)::integer FROM bumped
$sql$),

-- A silo's status or suspicion votes change: true if the row was changed and the version advanced, false if
-- @Version is stale or the row is missing. Same locking as the insert.
('UpdateMembershipKey', $sql$
WITH expected AS (
    SELECT cluster_id
    FROM orleans_membership_version
    WHERE cluster_id = @DeploymentId AND version = @Version
    FOR UPDATE
), changed AS (
    UPDATE orleans_membership AS m
    SET status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime
    FROM expected
    WHERE m.cluster_id = expected.cluster_id
      AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
    RETURNING m.cluster_id
), bumped AS (
    UPDATE orleans_membership_version AS v
    SET version = v.version + 1, changed_at = now()
    FROM changed
    WHERE v.cluster_id = changed.cluster_id
    RETURNING 1
)
SELECT count(*)::integer FROM bumped
$sql$),

-- The heartbeat: not versioned (Orleans never checks its outcome).
('UpdateIAmAlivetimeKey', $sql$
UPDATE orleans_membership
SET i_am_alive_time = @IAmAliveTime
WHERE cluster_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
$sql$),

-- One silo's row. Always one result row while the cluster's version row exists (Orleans takes the table version
-- from the first row; the silo columns are null when the silo has no row).
('MembershipReadRowKey', $sql$
SELECT v.version         AS "Version",
       m.address         AS "Address",
       m.port            AS "Port",
       m.generation      AS "Generation",
       m.silo_name       AS "SiloName",
       m.host_name       AS "HostName",
       m.status          AS "Status",
       m.proxy_port      AS "ProxyPort",
       m.suspect_times   AS "SuspectTimes",
       m.start_time      AS "StartTime",
       m.i_am_alive_time AS "IAmAliveTime"
FROM orleans_membership_version AS v
LEFT JOIN orleans_membership AS m
       ON m.cluster_id = v.cluster_id
      AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
WHERE v.cluster_id = @DeploymentId
$sql$),

-- Every silo's row, with the table version on each (one row with null silo columns when there is no silo).
('MembershipReadAllKey', $sql$
SELECT v.version         AS "Version",
       m.address         AS "Address",
       m.port            AS "Port",
       m.generation      AS "Generation",
       m.silo_name       AS "SiloName",
       m.host_name       AS "HostName",
       m.status          AS "Status",
       m.proxy_port      AS "ProxyPort",
       m.suspect_times   AS "SuspectTimes",
       m.start_time      AS "StartTime",
       m.i_am_alive_time AS "IAmAliveTime"
FROM orleans_membership_version AS v
LEFT JOIN orleans_membership AS m ON m.cluster_id = v.cluster_id
WHERE v.cluster_id = @DeploymentId
$sql$),

-- The client's gateway list: active silos that listen for clients (@Status is Active).
('GatewaysQueryKey', $sql$
SELECT address AS "Address", proxy_port AS "ProxyPort", generation AS "Generation"
FROM orleans_membership
WHERE cluster_id = @DeploymentId AND status = @Status AND proxy_port > 0
$sql$),

-- Removes a whole cluster (its silo rows go with the version row).
('DeleteMembershipTableEntriesKey', $sql$
DELETE FROM orleans_membership_version
WHERE cluster_id = @DeploymentId
$sql$),

-- Required by Orleans but only run when CleanupDefunctSiloEntryKey (below) is absent: every silo that is not
-- Active and has not been heard of since @IAmAliveTime. Not versioned, like Orleans's other providers.
('CleanupDefunctSiloEntriesKey', $sql$
DELETE FROM orleans_membership
WHERE cluster_id = @DeploymentId AND status <> 3 AND i_am_alive_time < @IAmAliveTime
$sql$),

-- Optional, and preferred by Orleans when present: deletes one Dead silo's row, but only if it is still exactly the
-- row Orleans read (same start, heartbeat and suspicion votes). Not versioned.
('CleanupDefunctSiloEntryKey', $sql$
DELETE FROM orleans_membership
WHERE cluster_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
  AND status = 6
  AND start_time = @StartTime
  AND i_am_alive_time = @IAmAliveTime
  AND coalesce(suspect_times, '') = coalesce(@SuspectTimes, '')
$sql$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
