using Npgsql;

namespace Portal.Tests.Support;

// TEMPORARY shim until the foundation-infra branch lands its cluster fixture: uses PORTAL_TEST_POSTGRES.
public sealed class PostgresCluster
{
    public static readonly PostgresCluster Shared = new();

    public async Task<string> CreateDatabaseAsync(string? prefix)
    {
        var admin = Environment.GetEnvironmentVariable("PORTAL_TEST_POSTGRES") ?? throw new InvalidOperationException("PORTAL_TEST_POSTGRES");
        var name = $"{prefix ?? "t"}_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }
}
