using Npgsql;

namespace Portal.Data;

/// <summary>
/// A session-level Postgres advisory lock held on a connection of its own while an instance prepares the database
/// (migrations, roles, seed data): a second instance starting at the same time waits for the first to finish and then
/// finds nothing left to do. An instance that dies while holding it releases it with its connection.
/// </summary>
public sealed class PreparationLock : IAsyncDisposable
{
    /// <summary>The advisory lock key ("portal-prepare" as 64 bits).</summary>
    public const long Key = 0x706f7274616c_7072;

    private readonly NpgsqlConnection connection;

    private PreparationLock(NpgsqlConnection connection) => this.connection = connection;

    public static async Task<PreparationLock> AcquireAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        // Unpooled: the lock belongs to this session, which must end when the lock is released.
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, ApplicationName = "portal-prepare" }
            .ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"SELECT pg_advisory_lock({Key})", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return new PreparationLock(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Closing the session releases the lock.</summary>
    public ValueTask DisposeAsync() => connection.DisposeAsync();
}
