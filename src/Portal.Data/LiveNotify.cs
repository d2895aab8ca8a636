namespace Portal.Data;

/// <summary>
/// Postgres tells every portal instance what changed, so that only the open pages showing it re-read it (channel
/// <see cref="Channel"/>) and idle background loops wake when there is work (<see cref="WorkNotify"/>). Triggers, like
/// <see cref="RoutingNotify"/>, so every writer is covered (EF, ExecuteUpdate, raw SQL); statement-level with transition
/// tables, so a statement writing many rows (stack events) costs one trigger call and one notification per host.
/// <para>
/// A payload is "<c>kind customerId hostId</c>" (a release adds its id: "<c>release customerId hostId releaseId</c>"), or
/// "<c>kind *</c>" when one statement touched more than <see cref="MaxTargets"/> hosts or a table was truncated. Identical
/// notifications of one transaction reach listeners once. Updates that change only the scheduling columns of a running
/// operation (next check, check id, updated-at) notify nobody: pages show none of them.
/// </para>
/// Deliveries (PushDeliveries) have no trigger: the webhook inserts thousands a second and must not pay for it; the
/// webhook announces accepted pushes from application code instead, at most once per recording batch.
/// </summary>
public static class LiveNotify
{
    public const string Channel = "portal_live";

    /// <summary>More hosts than this in one statement are announced as "<c>kind *</c>": everyone of that kind re-reads.</summary>
    public const int MaxTargets = 64;

    /// <summary>A host's order or state, or one of its environments (state, branch, outputs).</summary>
    public const string Host = "host";

    /// <summary>Stack events were copied for a host.</summary>
    public const string Events = "events";

    /// <summary>A host change (its preview, its change sets) moved on.</summary>
    public const string Change = "change";

    /// <summary>A release, its stages or its approval decisions; also a push accepted for the host.</summary>
    public const string Release = "release";

    /// <summary>A background job failed (sent by the job server, not by a trigger).</summary>
    public const string Jobs = "jobs";

    public const string Everything = "*";

    /// <summary>The payload announcing a change of <paramref name="kind"/> for one host (and release).</summary>
    public static string Payload(string kind, Guid customerId, Guid hostId, Guid? releaseId = null) =>
        releaseId is { } release ? $"{kind} {customerId} {hostId} {release}" : $"{kind} {customerId} {hostId}";

    /// <summary>Reads a payload; false for one this version does not know (a newer instance may send more kinds).</summary>
    public static bool TryParse(string payload, out LiveNotice notice)
    {
        notice = default;
        var parts = payload.Split(' ');
        if (parts.Length == 2 && parts[1] == Everything)
        {
            notice = new LiveNotice(parts[0], null, null, null);
            return true;
        }
        if (parts.Length is < 3 or > 4 || !Guid.TryParse(parts[1], out var customerId) || !Guid.TryParse(parts[2], out var hostId))
            return false;
        Guid? releaseId = null;
        if (parts.Length == 4)
        {
            if (!Guid.TryParse(parts[3], out var release)) return false;
            releaseId = release;
        }
        notice = new LiveNotice(parts[0], customerId, hostId, releaseId);
        return true;
    }

    private static readonly string Publish = $"""
        CREATE FUNCTION portal_live_publish(kind text, targets text[]) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            IF coalesce(cardinality(targets), 0) = 0 THEN
                RETURN;
            ELSIF cardinality(targets) > {MaxTargets} THEN
                PERFORM pg_notify('{Channel}', kind || ' {Everything}');
            ELSE
                PERFORM pg_notify('{Channel}', kind || ' ' || target) FROM unnest(targets) AS target;
            END IF;
        END $$;
        """;

    // One function per table; each reads the transition tables its trigger has (new_rows on INSERT and UPDATE, old_rows
    // on UPDATE and DELETE). plpgsql plans a statement when it first runs it, so a branch naming a transition table the
    // firing trigger lacks is never planned. On UPDATE only rows whose shown columns changed count (Noise lists the others).
    private static string TableFunction(string name, string kind, string keys, string targets, string? noise = null, string? work = null)
    {
        var changed = noise is null
            ? "new_rows"
            : $"(SELECT n.* FROM new_rows n JOIN old_rows o ON o.\"Id\" = n.\"Id\" WHERE to_jsonb(n) - {noise} IS DISTINCT FROM to_jsonb(o) - {noise})";
        // The distinct keys first (a statement's thousand events are of one environment), then each key's host.
        string Targets(string rows) =>
            $"(SELECT array_agg(DISTINCT t) FILTER (WHERE t IS NOT NULL) FROM (SELECT {targets} AS t FROM (SELECT DISTINCT {keys} FROM {rows} k) AS r) AS x)";
        return $"""
            CREATE FUNCTION portal_live_{name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'TRUNCATE' THEN
                    PERFORM pg_notify('{Channel}', '{kind} {Everything}');
                    RETURN NULL;
                END IF;
                IF TG_OP = 'INSERT' THEN
                    PERFORM portal_live_publish('{kind}', {Targets("new_rows")});
                ELSIF TG_OP = 'UPDATE' THEN
                    PERFORM portal_live_publish('{kind}', {Targets(changed)});
                ELSE
                    PERFORM portal_live_publish('{kind}', {Targets("old_rows")});
                END IF;
                {(work is null ? "" : $"IF TG_OP <> 'DELETE' THEN {work} END IF;")}
                RETURN NULL;
            END $$;
            """;
    }

    private static string Triggers(string table, string name, bool inserts = true, bool updates = true, bool deletes = true)
    {
        string On(string operation, string references) =>
            $"CREATE TRIGGER live_changed_{operation.ToLowerInvariant()} AFTER {operation} ON \"{table}\" {references}" +
            $"FOR EACH STATEMENT EXECUTE FUNCTION portal_live_{name}();";
        return string.Join('\n', new[]
        {
            inserts ? On("INSERT", "REFERENCING NEW TABLE AS new_rows ") : null,
            updates ? On("UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows ") : null,
            deletes ? On("DELETE", "REFERENCING OLD TABLE AS old_rows ") : null,
            On("TRUNCATE", ""),
        }.OfType<string>());
    }

    // The target ("customerId hostId [releaseId]") of a row r of each table, through its parents.
    private const string CustomerAndHost = "h.\"CustomerId\" || ' ' || h.\"Id\"";
    private const string HostOfRow = $"(SELECT {CustomerAndHost} FROM \"Hosts\" h WHERE h.\"Id\" = r.\"HostId\")";
    private const string HostOfEnvironment =
        $"(SELECT {CustomerAndHost} FROM \"HostEnvironments\" e JOIN \"Hosts\" h ON h.\"Id\" = e.\"HostId\" " +
        "WHERE e.\"Id\" = r.\"HostEnvironmentId\")";
    private const string HostOfChange =
        $"(SELECT {CustomerAndHost} FROM \"HostChanges\" c JOIN \"Hosts\" h ON h.\"Id\" = c.\"HostId\" WHERE c.\"Id\" = r.\"HostChangeId\")";
    private const string HostOfReleaseRow =
        $"(SELECT {CustomerAndHost} || ' ' || rel.\"Id\" FROM \"Releases\" rel " +
        "JOIN \"HostEnvironments\" e ON e.\"Id\" = rel.\"HostEnvironmentId\" " +
        "JOIN \"Hosts\" h ON h.\"Id\" = e.\"HostId\" WHERE rel.\"Id\" = r.\"ReleaseId\")";
    private const string HostOfRelease =
        $"(SELECT {CustomerAndHost} || ' ' || r.\"Id\" FROM \"HostEnvironments\" e JOIN \"Hosts\" h ON h.\"Id\" = e.\"HostId\" " +
        "WHERE e.\"Id\" = r.\"HostEnvironmentId\")";

    /// <summary>Wakes the loops of <paramref name="work"/> when a row written (inserted or updated) matches <paramref name="condition"/>.</summary>
    private static string WorkWhen(string condition, string work) =>
        $"IF EXISTS (SELECT 1 FROM new_rows WHERE {condition}) THEN PERFORM pg_notify('{WorkNotify.Channel}', '{work}'); END IF;";

    /// <summary>The scheduling columns a running operation rewrites at every look; a change of only these is not shown anywhere.</summary>
    private const string SchedulingColumns = "ARRAY['UpdatedAt', 'NextCheckAt', 'ScheduledCheckId']";

    public static readonly string Create = string.Join("\n\n",
        Publish,
        TableFunction("hosts", Host, "k.\"CustomerId\", k.\"Id\"", "r.\"CustomerId\" || ' ' || r.\"Id\"",
            work: WorkWhen("\"State\" = 'Ordered'", WorkNotify.Order)),
        Triggers("Hosts", "hosts"),
        TableFunction("host_environments", Host, "k.\"HostId\"", HostOfRow, noise: SchedulingColumns),
        Triggers("HostEnvironments", "host_environments"),
        TableFunction("stack_events", Events, "k.\"HostEnvironmentId\"", HostOfEnvironment),
        Triggers("StackEvents", "stack_events", updates: false, deletes: false),
        TableFunction("host_changes", Change, "k.\"HostId\"", HostOfRow, noise: SchedulingColumns),
        Triggers("HostChanges", "host_changes"),
        TableFunction("host_change_stacks", Change, "k.\"HostChangeId\"", HostOfChange),
        Triggers("HostChangeStacks", "host_change_stacks"),
        TableFunction("releases", Release, "k.\"Id\", k.\"HostEnvironmentId\"", HostOfRelease,
            work: WorkWhen("\"State\" = 'Pending'", WorkNotify.Start) + "\n" +
                  WorkWhen("\"State\" IN ('InProgress', 'WaitingForApproval')", WorkNotify.Sync)),
        Triggers("Releases", "releases"),
        TableFunction("release_stages", Release, "k.\"ReleaseId\"", HostOfReleaseRow),
        Triggers("ReleaseStages", "release_stages"),
        TableFunction("approval_decisions", Release, "k.\"ReleaseId\"", HostOfReleaseRow),
        Triggers("ApprovalDecisions", "approval_decisions"));

    private static readonly string[] Tables =
        ["Hosts", "HostEnvironments", "StackEvents", "HostChanges", "HostChangeStacks", "Releases", "ReleaseStages", "ApprovalDecisions"];

    private static readonly string[] Functions =
        ["hosts", "host_environments", "stack_events", "host_changes", "host_change_stacks", "releases", "release_stages", "approval_decisions"];

    public static readonly string Drop = string.Join('\n',
        Tables.SelectMany(table => new[] { "insert", "update", "delete", "truncate" }
                .Select(op => $"DROP TRIGGER IF EXISTS live_changed_{op} ON \"{table}\";"))
            .Concat(Functions.Select(name => $"DROP FUNCTION portal_live_{name}();"))
            .Append("DROP FUNCTION portal_live_publish(text, text[]);"));
}

/// <summary>What a <see cref="LiveNotify"/> payload says changed: one host (and release) of a customer, or, with no ids, any.</summary>
public readonly record struct LiveNotice(string Kind, Guid? CustomerId, Guid? HostId, Guid? ReleaseId);

/// <summary>
/// Wakes idle background loops of every portal instance (channel <see cref="Channel"/>): a release to start, a release to
/// follow, an order to provision. Only a hint: each loop still polls slowly in case a notification is lost, and after a
/// reconnect every loop looks once, because notifications may have been missed meanwhile.
/// </summary>
public static class WorkNotify
{
    public const string Channel = "portal_work";

    /// <summary>A release became pending (trigger) or a push was accepted (the webhook): the release starters have work.</summary>
    public const string Start = "start";

    /// <summary>A release is in flight (in progress or waiting for approval): the state sync has work.</summary>
    public const string Sync = "sync";

    /// <summary>A host was ordered: the provisioning reconciler starts it if the order's own start did not.</summary>
    public const string Order = "order";
}
