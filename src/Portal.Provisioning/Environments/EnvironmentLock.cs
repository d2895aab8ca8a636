using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Data;

namespace Portal.Provisioning.Environments;

/// <summary>
/// One operation step per host environment at a time, across every portal process: a Postgres transaction-level
/// advisory lock keyed by the environment, held by an open transaction on a connection of its own. Ending the
/// transaction (or a crashed holder's connection closing) releases it.
/// </summary>
public sealed class EnvironmentLock(IDbContextFactory<PortalDbContext> contexts)
{
    private readonly Lazy<string> connectionString = new(() =>
    {
        using var db = contexts.CreateDbContext();
        return db.Database.GetConnectionString() ?? throw new InvalidOperationException("The portal's DbContext has no connection string.");
    });

    /// <summary>Null when another step holds the environment (or the change: any id works).</summary>
    public async Task<IAsyncDisposable?> TryAcquireAsync(Guid environmentId, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString.Value);
        NpgsqlTransaction? transaction = null;
        try
        {
            await connection.OpenAsync(cancellationToken);
            transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_xact_lock(@key)", connection, transaction);
            command.Parameters.AddWithValue("key", BitConverter.ToInt64(environmentId.ToByteArray(), 0));
            if (await command.ExecuteScalarAsync(cancellationToken) is true)
                return new Held(connection, transaction);
        }
        catch
        {
            await ReleaseAsync(connection, transaction);
            throw;
        }
        await ReleaseAsync(connection, transaction);
        return null;
    }

    private static async ValueTask ReleaseAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        if (transaction is not null) await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }

    private sealed class Held(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ReleaseAsync(connection, transaction);
    }
}
