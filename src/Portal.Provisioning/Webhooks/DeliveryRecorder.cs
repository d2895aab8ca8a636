using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Provisioning.Webhooks;

/// <summary>
/// Writes a delivery and its release as ONE statement: atomic without BEGIN/COMMIT round trips, and a delivery already
/// received (same host and delivery id, even from a concurrent request) inserts nothing instead of raising an error.
/// This is the webhook's hot path, which is why it is SQL rather than SaveChanges: one round trip and no change
/// tracking per push. The integration tests read what it writes through the EF model, so a renamed column fails them.
/// </summary>
public sealed class DeliveryRecorder(PortalDbContext db)
{
    private const string Sql = """
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

    /// <summary>Records the delivery, and the release when there is one. Returns false when the delivery was already recorded.</summary>
    public async Task<bool> RecordAsync(PushDelivery delivery, Release? release, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened) await connection.OpenAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand(Sql, connection);
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
            // Prepared once per pooled connection, then only bound and executed: no parsing or planning per push.
            await command.PrepareAsync(cancellationToken);
            return (long)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
        }
        finally
        {
            if (opened) await connection.CloseAsync();
        }
    }

    private static DbParameter Nullable(string name, Guid? value) =>
        new NpgsqlParameter(name, NpgsqlDbType.Uuid) { Value = value is { } id ? id : DBNull.Value };

    private static DbParameter Text(string name, string? value) =>
        new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = value is null ? DBNull.Value : value };
}
