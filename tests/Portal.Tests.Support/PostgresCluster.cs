using System.Globalization;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Portal.Tests.Support;

/// <summary>
/// Real Postgres for tests: one throwaway cluster per test process, started with scripts/postgres.sh on a free port
/// (or the server named by PORTAL_TEST_POSTGRES), and a fresh database for whoever asks.
/// </summary>
public sealed class PostgresCluster
{
    public const string ServerVariable = "PORTAL_TEST_POSTGRES";

    public static PostgresCluster Shared { get; } = new();

    private readonly Lazy<Task<string>> adminConnectionString = new(StartAsync);

    private PostgresCluster() { }

    /// <summary>Creates an empty, uniquely named database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? prefix = null)
    {
        var admin = await adminConnectionString.Value;
        var name = $"{prefix ?? "test"}_{Guid.NewGuid():N}"[..Math.Min(63, (prefix ?? "test").Length + 33)];
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = true, MaxPoolSize = 100 }.ConnectionString;
    }

    private static async Task<string> StartAsync()
    {
        if (Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } given) return given;

        var dataDir = Path.Combine(Path.GetTempPath(), $"portal-test-pg-{Guid.NewGuid():N}");
        var port = FreePort();
        await RunScriptAsync("start", dataDir, port.ToString(CultureInfo.InvariantCulture), "--fast");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            RunScriptAsync("stop", dataDir).GetAwaiter().GetResult();
            try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        return $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres";
    }

    private static async Task RunScriptAsync(params string[] args)
    {
        var start = new ProcessStartInfo("bash", [RepoPaths.Combine("scripts", "postgres.sh"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"scripts/postgres.sh {string.Join(' ', args)} failed ({process.ExitCode}): {await error}{await output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
