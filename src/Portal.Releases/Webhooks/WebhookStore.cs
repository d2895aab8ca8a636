using Npgsql;
using Portal.Data.Entities;

namespace Portal.Releases.Webhooks;

/// <summary>The portal database as the webhook's hot path sees it (own pool, so a push never pays for a DbContext).</summary>
public sealed class WebhookDataSource(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public NpgsqlDataSource DataSource { get; } = dataSource;

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}

/// <summary>
/// The two statements of a push: find the hosts of the project (only when <see cref="WebhookRoutes"/> has not kept them),
/// and record the delivery (which is also its release's queue entry, see <see cref="PushDelivery"/>).
/// They are prepared SQL rather than EF queries because they run per push under load: no DbContext, no change tracking.
/// Pushes arriving together share statements (<see cref="StatementBatcher{TItem,TResult}"/>): one lookup for all their
/// projects, one recording for all their deliveries, each ONE statement, atomic without BEGIN/COMMIT round trips. A
/// delivery already received (same host and delivery id, even from a concurrent request or the same batch) inserts
/// nothing instead of raising an error. The integration tests read what it writes through the EF model, so a renamed
/// column fails them.
/// </summary>
public sealed class WebhookStore : IAsyncDisposable
{
    private const int MaxBatch = 256;

    private const string HostsOfProjectsSql = """
        SELECT h."GitLabProjectId", lower(h."GitLabProjectPath"), h."Id", h."CustomerId", h."Name", h."State", h."WebhookTokenHash",
               e."Id", e."Kind", e."Branch", e."State", e."PipelineName", h."GitLabHttpUrl", h."WebhookSigningVersion"
        FROM "Hosts" h
        LEFT JOIN "HostEnvironments" e ON e."HostId" = h."Id"
        WHERE h."GitLabProjectId" = ANY(@projectIds) OR (h."GitLabProjectId" IS NULL AND lower(h."GitLabProjectPath") = ANY(@lowerCasePaths))
        ORDER BY h."Id"
        """;

    // Rows go in sorted by (host, delivery id), so concurrent batches meet duplicate keys in the same order. A row is
    // recorded only while its host still has the token hash the delivery was checked against (routes may come from
    // memory, a moment behind a regenerated token or a deleted host); the stored hash is compared with the stored hash
    // read before, never with what the sender presented, which was compared in constant time.
    private const string RecordSql = """
        WITH input AS (
            SELECT * FROM unnest(@ids, @deliveryIds, @hostIds, @tokenHashes, @environments, @events, @refs, @befores, @afters,
                @committedAts, @commitAuthors, @userIds, @usernames, @emails, @messages, @releaseIds, @receivedAts, @statuses, @ignoredBecause,
                @statusReasons)
            AS t(id, delivery_id, host_id, token_hash, environment, event, ref, before, after,
                committed_at, commit_authors, user_id, username, email, message, release_id, received_at, status, ignored_because, status_reason)
        ), routed AS (
            SELECT i.*, EXISTS (SELECT 1 FROM "Hosts" h WHERE h."Id" = i.host_id AND h."WebhookTokenHash" = i.token_hash) AS current
            FROM input i
        ), delivery AS (
            INSERT INTO "PushDeliveries" ("Id", "DeliveryId", "HostId", "Environment", "Event", "Ref", "Before", "After", "CommittedAt",
                "CommitAuthors", "UserId", "UserUsername", "UserEmail", "Message", "ReleaseId", "ReceivedAt", "Status", "IgnoredBecause",
                "StatusReason")
            SELECT id, delivery_id, host_id, environment, event, ref, before, after, committed_at, commit_authors::jsonb, user_id, username, email,
                message, release_id, received_at, status, ignored_because, status_reason
            FROM routed
            WHERE current
            ON CONFLICT ("HostId", "DeliveryId") DO NOTHING
            RETURNING "Id"
        )
        SELECT "Id", true FROM delivery
        UNION ALL
        SELECT id, false FROM routed WHERE NOT current
        """;

    private readonly NpgsqlDataSource dataSource;
    private readonly StatementBatcher<(long ProjectId, string LowerCasePath), IReadOnlyList<HostCandidate>> lookups;
    private readonly StatementBatcher<(PushDelivery Delivery, string TokenHash), RecordOutcome> recordings;

    public WebhookStore(WebhookDataSource database)
    {
        dataSource = database.DataSource;
        lookups = new(FindAllAsync, MaxBatch);
        recordings = new(RecordAllAsync, MaxBatch);
    }

    /// <summary>Hosts of the project: by GitLab project id, or by lower-case path for hosts ordered without an id.</summary>
    public Task<IReadOnlyList<HostCandidate>> FindHostsAsync(long projectId, string lowerCasePath, CancellationToken cancellationToken) =>
        lookups.RunAsync((projectId, lowerCasePath), cancellationToken);

    /// <summary>Records the delivery, provided the host's token hash is still <paramref name="tokenHash"/> (the one the delivery's token matched).</summary>
    public Task<RecordOutcome> RecordAsync(PushDelivery delivery, string tokenHash, CancellationToken cancellationToken) =>
        recordings.RunAsync((delivery, tokenHash), cancellationToken);

    private async Task<IReadOnlyList<IReadOnlyList<HostCandidate>>> FindAllAsync(IReadOnlyList<(long ProjectId, string LowerCasePath)> projects)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(HostsOfProjectsSql, connection);
        command.Parameters.Add(new NpgsqlParameter<long[]>("projectIds", projects.Select(p => p.ProjectId).Distinct().ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("lowerCasePaths", projects.Select(p => p.LowerCasePath).Distinct().ToArray()));
        await command.PrepareAsync();
        await using var reader = await command.ExecuteReaderAsync();

        var found = new List<(long? ProjectId, string LowerCasePath, HostCandidate Host)>();
        List<EnvironmentCandidate> environments = [];
        while (await reader.ReadAsync())
        {
            var hostId = reader.GetGuid(2);
            if (found.Count == 0 || found[^1].Host.Id != hostId)
            {
                environments = [];
                found.Add((reader.IsDBNull(0) ? null : reader.GetInt64(0), reader.GetString(1),
                    new HostCandidate(hostId, reader.GetGuid(3), reader.GetString(4), Enum.Parse<HostState>(reader.GetString(5)),
                        reader.IsDBNull(6) ? null : reader.GetString(6), environments,
                        reader.IsDBNull(12) ? null : reader.GetString(12), reader.IsDBNull(13) ? null : reader.GetInt32(13))));
            }
            if (!reader.IsDBNull(7))
                environments.Add(new EnvironmentCandidate(reader.GetGuid(7), Enum.Parse<EnvironmentKind>(reader.GetString(8)),
                    reader.GetString(9), Enum.Parse<EnvironmentState>(reader.GetString(10)), reader.IsDBNull(11) ? null : reader.GetString(11)));
        }
        return projects.Select(p => (IReadOnlyList<HostCandidate>)found
            .Where(f => f.ProjectId == p.ProjectId || (f.ProjectId is null && f.LowerCasePath == p.LowerCasePath))
            .Select(f => f.Host).ToList()).ToList();
    }

    private async Task<IReadOnlyList<RecordOutcome>> RecordAllAsync(IReadOnlyList<(PushDelivery Delivery, string TokenHash)> items)
    {
        var rows = items.OrderBy(i => i.Delivery.HostId).ThenBy(i => i.Delivery.DeliveryId, StringComparer.Ordinal).ToList();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(RecordSql, connection);
        var parameters = command.Parameters;
        parameters.Add(new NpgsqlParameter<Guid[]>("ids", rows.Select(r => r.Delivery.Id).ToArray()));
        parameters.Add(new NpgsqlParameter<string[]>("deliveryIds", rows.Select(r => r.Delivery.DeliveryId).ToArray()));
        parameters.Add(new NpgsqlParameter<Guid?[]>("hostIds", rows.Select(r => r.Delivery.HostId).ToArray()));
        parameters.Add(new NpgsqlParameter<string[]>("tokenHashes", rows.Select(r => r.TokenHash).ToArray()));
        parameters.Add(new NpgsqlParameter<string?[]>("environments", rows.Select(r => r.Delivery.Environment?.ToString()).ToArray()));
        parameters.Add(new NpgsqlParameter<string[]>("events", rows.Select(r => r.Delivery.Event).ToArray()));
        parameters.Add(new NpgsqlParameter<string[]>("refs", rows.Select(r => r.Delivery.Ref).ToArray()));
        parameters.Add(new NpgsqlParameter<string?[]>("befores", rows.Select(r => r.Delivery.Before).ToArray()));
        parameters.Add(new NpgsqlParameter<string[]>("afters", rows.Select(r => r.Delivery.After).ToArray()));
        parameters.Add(new NpgsqlParameter<DateTimeOffset?[]>("committedAts", rows.Select(r => r.Delivery.CommittedAt).ToArray()));
        parameters.Add(new NpgsqlParameter<string[]>("commitAuthors", rows.Select(r => CommitAuthorsJson(r.Delivery.CommitAuthors)).ToArray()));
        parameters.Add(new NpgsqlParameter<long?[]>("userIds", rows.Select(r => r.Delivery.UserId).ToArray()));
        parameters.Add(new NpgsqlParameter<string?[]>("usernames", rows.Select(r => r.Delivery.UserUsername).ToArray()));
        parameters.Add(new NpgsqlParameter<string?[]>("emails", rows.Select(r => r.Delivery.UserEmail).ToArray()));
        parameters.Add(new NpgsqlParameter<string?[]>("messages", rows.Select(r => r.Delivery.Message).ToArray()));
        parameters.Add(new NpgsqlParameter<Guid?[]>("releaseIds", rows.Select(r => r.Delivery.ReleaseId).ToArray()));
        parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("receivedAts", rows.Select(r => r.Delivery.ReceivedAt).ToArray()));
        parameters.Add(new NpgsqlParameter<string[]>("statuses", rows.Select(r => r.Delivery.Status.ToString()).ToArray()));
        parameters.Add(new NpgsqlParameter<string?[]>("ignoredBecause", rows.Select(r => r.Delivery.IgnoredBecause?.ToString()).ToArray()));
        parameters.Add(new NpgsqlParameter<string?[]>("statusReasons", rows.Select(r => r.Delivery.StatusReason).ToArray()));
        await command.PrepareAsync();

        var outcomes = new Dictionary<Guid, RecordOutcome>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                outcomes[reader.GetGuid(0)] = reader.GetBoolean(1) ? RecordOutcome.Recorded : RecordOutcome.RouteChanged;
        return items.Select(i => outcomes.GetValueOrDefault(i.Delivery.Id, RecordOutcome.Duplicate)).ToList();
    }

    /// <summary>
    /// The host a token belongs to, whatever its project (rare: only for deliveries whose token fits no host of the
    /// pushed project, such as a group webhook's pushes of other projects).
    /// </summary>
    public async Task<TokenOwner?> FindHostByTokenAsync(string tokenHash, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """SELECT "Id", "Name", "GitLabProjectPath" FROM "Hosts" WHERE "WebhookTokenHash" = @hash LIMIT 1""", connection);
        command.Parameters.Add(new NpgsqlParameter<string>("hash", tokenHash));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new TokenOwner(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), tokenHash) : null;
    }

    private static string CommitAuthorsJson(List<CommitAuthor> authors) =>
        System.Text.Json.JsonSerializer.Serialize(authors, WebhookStoreJson.Default.ListCommitAuthor);

    public async ValueTask DisposeAsync()
    {
        await lookups.DisposeAsync();
        await recordings.DisposeAsync();
    }
}

/// <summary>A host that releases from the pushed project, with what routing a push needs.</summary>
public sealed record HostCandidate(Guid Id, Guid CustomerId, string Name, HostState State, string? WebhookTokenHash,
    IReadOnlyList<EnvironmentCandidate> Environments, string? ProjectUrl = null, int? SigningVersion = null);

/// <summary>The host a webhook token belongs to.</summary>
public sealed record TokenOwner(Guid Id, string Name, string ProjectPath, string TokenHash);

/// <summary>The commit authors' JSON as EF's JsonList writes it (property names as declared).</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(List<CommitAuthor>))]
internal sealed partial class WebhookStoreJson : System.Text.Json.Serialization.JsonSerializerContext;

public enum RecordOutcome
{
    Recorded,

    /// <summary>The host already has a delivery with this id.</summary>
    Duplicate,

    /// <summary>Nothing recorded: the host's token changed (or the host is gone) since its route was read.</summary>
    RouteChanged,
}

public sealed record EnvironmentCandidate(Guid Id, EnvironmentKind Kind, string Branch, EnvironmentState State, string? PipelineName);
