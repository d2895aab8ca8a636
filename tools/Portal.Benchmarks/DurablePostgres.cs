using System.Globalization;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Portal.Tests.Support;

namespace Portal.Benchmarks;

/// <summary>
/// A throwaway Postgres cluster with the durable defaults (fsync and synchronous commit on), unlike the test clusters:
/// benchmarks of durable writes must pay for the WAL flush an acknowledged commit costs in production.
/// </summary>
public sealed class DurablePostgres : IAsyncDisposable
{
    private readonly string dataDir;

    private DurablePostgres(string dataDir, int port)
    {
        this.dataDir = dataDir;
        Port = port;
    }

    public int Port { get; }

    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres";

    public static async Task<DurablePostgres> StartAsync()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), $"portal-bench-pg-{Guid.NewGuid():N}");
        var port = FreePort();
        await Run("bash", RepoPaths.Combine("scripts", "postgres.sh"), "start", dataDir, port.ToString(CultureInfo.InvariantCulture));
        return new DurablePostgres(dataDir, port);
    }

    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, MaxPoolSize = 100 }.ConnectionString;
    }

    public async Task<string> SettingAsync(string name)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SHOW {name}", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        await Run("bash", RepoPaths.Combine("scripts", "postgres.sh"), "stop", dataDir);
        try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Runs a program to completion and returns its standard output; a non-zero exit is an exception with its output.</summary>
    public static async Task<string> Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({process.ExitCode}): {await error}{await output}");
        return await output + await error;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
