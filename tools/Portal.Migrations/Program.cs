// Usage: dotnet run --project tools/Portal.Migrations -- add <MigrationName>
// Writes the migration into src/Portal.Data/Migrations, as `dotnet ef migrations add` would.
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Migrations.Design;
using Microsoft.Extensions.DependencyInjection;
using Npgsql.EntityFrameworkCore.PostgreSQL.Design.Internal;
using Portal.Data;

if (args is not ["add", var name])
{
    Console.Error.WriteLine("usage: dotnet run --project tools/Portal.Migrations -- add <MigrationName>");
    return 2;
}

var projectDir = FindRepoRoot() is { } root
    ? Path.Combine(root, "src", "Portal.Data")
    : throw new InvalidOperationException("Run this from inside the repository (Portal.sln not found).");

using var context = new DesignTimeDbContextFactory().CreateDbContext([]);
var services = new ServiceCollection()
    .AddEntityFrameworkDesignTimeServices()
    .AddDbContextDesignTimeServices(context);
#pragma warning disable EF1001 // The provider's design-time services are what dotnet-ef itself loads.
new NpgsqlDesignTimeServices().ConfigureDesignTimeServices(services);
#pragma warning restore EF1001
using var provider = services.BuildServiceProvider();

var scaffolder = provider.GetRequiredService<IMigrationsScaffolder>();
var migration = scaffolder.ScaffoldMigration(name, "Portal.Data", "Migrations", "C#");
var files = scaffolder.Save(projectDir, migration, Path.Combine(projectDir, "Migrations"));
Console.WriteLine($"Wrote {files.MigrationFile}");
return 0;

static string? FindRepoRoot()
{
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Portal.sln"))) return dir.FullName;
    return null;
}
