using System.Data.Common;
using Npgsql;
using NpgsqlTypes;
using Portal.Data.Entities;

namespace Portal.Provisioning.Webhooks;

/// <summary>The portal database as the webhook's hot path sees it (own pool, so a push never pays for a DbContext).</summary>
public sealed class WebhookDataSource(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public NpgsqlDataSource DataSource { get; } = dataSource;

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}

/// <summary>
/// The two statements every push runs: find the hosts of the project, and record the delivery with its release.
/// They are prepared SQL rather than EF queries because they run per push under load: no DbContext, no change tracking,
/// one round trip each, parsed and planned once per connection. The recording is ONE statement, atomic without
/// BEGIN/COMMIT round trips, and a delivery already received (same host and delivery id, even from a concurrent request)
/// inserts nothing instead of raising an error. The integration tests read what it writes through the EF model, so a
/// renamed column fails them.
/// </summary>
public sealed class WebhookStore(WebhookDataSource database)
{
    private const string HostsOfProjectSql = """
        SELECT h."Id", h."CustomerId", h."Name", h."State", h."WebhookTokenHash",
               e."Id", e."Kind", e."Branch", e."State", e."PipelineName"
        FROM "Hosts" h
        LEFT JOIN "HostEnvironments" e ON e."HostId" = h."Id"
        WHERE h."GitLabProjectId" = @projectId OR (h."GitLabProjectId" IS NULL AND lower(h."GitLabProjectPath") = @lowerCasePath)
        ORDER BY h."Id"
        """;

    private const string RecordSql = """
        WITH delivery AS (
            INSERT INTO "PushDeliveries" ("Id", "DeliveryId", "HostId", "HostEnvironmentId", "Ref", "After", "UserUsername", "UserEmail",
                "ReceivedAt", "Status", "StatusReason")
            VALUES (@deliveryRowId, @deliveryId, @hostId, @environmentId, @ref, @after, @username, @email, @receivedAt, @status, @statusReason)
            ON CONFLICT ("HostId", "DeliveryId") DO NOTHING
            RETURNING "Id"
        ), release AS (
            INSERT INTO "Releases" ("Id", "HostEnvironmentId", "PushDeliveryId", "CommitId", "Branch", "AuthorUsername", "AuthorEmail", "Message",
                "PushedAt", "ClientRequestToken", "State", "StartAttempts", "CreatedAt", "UpdatedAt")
            SELECT @releaseId, @environmentId, delivery."Id", @commitId, @branch, @username, @email, @message,
                @receivedAt, @token, @releaseState, 0, @receivedAt, @receivedAt
            FROM delivery
            WHERE @withRelease
        )
        SELECT count(*) FROM delivery
        """;

    /// <summary>Hosts of the project: by GitLab project id, or by path (case-insensitive, as GitLab's) for hosts ordered without an id.</summary>
    public async Task<List<HostCandidate>> FindHostsAsync(long projectId, string path, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(HostsOfProjectSql, connection);
        command.Parameters.Add(new NpgsqlParameter<long>("projectId", projectId));
        command.Parameters.Add(new NpgsqlParameter<string>("lowerCasePath", path.ToLowerInvariant()));
        await command.PrepareAsync(cancellationToken);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);

        var hosts = new List<HostCandidate>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var hostId = reader.GetGuid(0);
            if (hosts.Count == 0 || hosts[^1].Id != hostId)
                hosts.Add(new HostCandidate(hostId, reader.GetGuid(1), reader.GetString(2), Enum.Parse<HostState>(reader.GetString(3)),
                    reader.IsDBNull(4) ? null : reader.GetString(4), []));
            if (!reader.IsDBNull(5))
                hosts[^1].Environments.Add(new EnvironmentCandidate(reader.GetGuid(5), Enum.Parse<EnvironmentKind>(reader.GetString(6)),
                    reader.GetString(7), Enum.Parse<EnvironmentState>(reader.GetString(8)), reader.IsDBNull(9) ? null : reader.GetString(9)));
        }
        return hosts;
    }

    /// <summary>Records the delivery, and the release when there is one. Returns false when the delivery was already recorded.</summary>
    public async Task<bool> RecordAsync(PushDelivery delivery, Release? release, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(RecordSql, connection);
        var parameters = command.Parameters;
        parameters.Add(new NpgsqlParameter<Guid>("deliveryRowId", delivery.Id));
        parameters.Add(new NpgsqlParameter<string>("deliveryId", delivery.DeliveryId));
        parameters.Add(Nullable("hostId", delivery.HostId));
        parameters.Add(Nullable("environmentId", delivery.HostEnvironmentId));
        parameters.Add(new NpgsqlParameter<string>("ref", delivery.Ref));
        parameters.Add(new NpgsqlParameter<string>("after", delivery.After));
        parameters.Add(Text("username", delivery.UserUsername));
        parameters.Add(Text("email", delivery.UserEmail));
        parameters.Add(new NpgsqlParameter<DateTimeOffset>("receivedAt", delivery.ReceivedAt));
        parameters.Add(new NpgsqlParameter<string>("status", delivery.Status.ToString()));
        parameters.Add(Text("statusReason", delivery.StatusReason));
        parameters.Add(new NpgsqlParameter<bool>("withRelease", release is not null));
        parameters.Add(new NpgsqlParameter<Guid>("releaseId", release?.Id ?? Guid.Empty));
        parameters.Add(new NpgsqlParameter<string>("commitId", release?.CommitId ?? ""));
        parameters.Add(new NpgsqlParameter<string>("branch", release?.Branch ?? ""));
        parameters.Add(Text("message", release?.Message));
        parameters.Add(new NpgsqlParameter<string>("token", release?.ClientRequestToken ?? ""));
        parameters.Add(new NpgsqlParameter<string>("releaseState", (release?.State ?? ReleaseState.Pending).ToString()));
        await command.PrepareAsync(cancellationToken);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
    }

    private static DbParameter Nullable(string name, Guid? value) =>
        new NpgsqlParameter(name, NpgsqlDbType.Uuid) { Value = value is { } id ? id : DBNull.Value };

    private static DbParameter Text(string name, string? value) =>
        new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = value is null ? DBNull.Value : value };
}

/// <summary>A host that releases from the pushed project, with what routing a push needs.</summary>
public sealed record HostCandidate(Guid Id, Guid CustomerId, string Name, HostState State, string? WebhookTokenHash,
    List<EnvironmentCandidate> Environments);

public sealed record EnvironmentCandidate(Guid Id, EnvironmentKind Kind, string Branch, EnvironmentState State, string? PipelineName);
