using Portal.Data.Entities;

namespace Portal.Provisioning.Orders;

/// <summary>The words an order uses for environments, deployment styles and database engines, and the defaults.</summary>
public static class HostOrderTerms
{
    public const string DefaultHealthCheckPath = "/";
    public const string DefaultDatabaseEngine = "postgres";
    public const string NoDatabase = "none";

    public static IReadOnlyList<string> DatabaseEngines { get; } = [NoDatabase, "postgres", "mysql"];
    public static IReadOnlyList<DeploymentStyle> DeploymentStyles { get; } = [DeploymentStyle.InPlace, DeploymentStyle.BlueGreen, DeploymentStyle.Zonal];

    /// <summary>dev → dev, staging → staging, production → master.</summary>
    public static string DefaultBranch(EnvironmentKind kind) => kind switch
    {
        EnvironmentKind.Dev => "dev",
        EnvironmentKind.Staging => "staging",
        _ => "master",
    };

    public static string DeploymentStyleName(DeploymentStyle style) => style switch
    {
        DeploymentStyle.InPlace => "in-place",
        DeploymentStyle.BlueGreen => "blue-green",
        DeploymentStyle.Zonal => "zonal",
        _ => throw new ArgumentOutOfRangeException(nameof(style), style, null),
    };

    public static string DeploymentStyleTitle(DeploymentStyle style) => style switch
    {
        DeploymentStyle.InPlace => "In place, one instance at a time",
        DeploymentStyle.BlueGreen => "Blue/green (new instances, then switch traffic)",
        DeploymentStyle.Zonal => "Zonal (one availability zone at a time)",
        _ => throw new ArgumentOutOfRangeException(nameof(style), style, null),
    };

    /// <summary>Accepts "in-place", "inplace", "InPlace", "blue-green", "BlueGreen", "zonal"; empty means in place.</summary>
    public static bool TryParseDeploymentStyle(string? text, out DeploymentStyle style)
    {
        style = DeploymentStyle.InPlace;
        var key = text?.Trim().Replace("-", "").Replace("_", "").Replace("/", "").ToLowerInvariant();
        switch (key)
        {
            case null or "" or "inplace": return true;
            case "bluegreen": style = DeploymentStyle.BlueGreen; return true;
            case "zonal": style = DeploymentStyle.Zonal; return true;
            default: return false;
        }
    }

    /// <summary>"none", "postgres" (or "postgresql") or "mysql"; empty means postgres.</summary>
    public static bool TryParseDatabaseEngine(string? text, out string engine)
    {
        engine = text?.Trim().ToLowerInvariant() switch
        {
            null or "" => DefaultDatabaseEngine,
            "postgres" or "postgresql" => "postgres",
            "mysql" => "mysql",
            "none" => NoDatabase,
            _ => "",
        };
        return engine.Length > 0;
    }
}
