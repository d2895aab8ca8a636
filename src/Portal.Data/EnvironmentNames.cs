using Portal.Data.Entities;

namespace Portal.Data;

/// <summary>The one way environments are named in orders, pages, the API, audit entries and AWS names: dev, staging, production.</summary>
public static class EnvironmentNames
{
    public static IReadOnlyList<EnvironmentKind> All { get; } = [EnvironmentKind.Dev, EnvironmentKind.Staging, EnvironmentKind.Production];

    public static string Of(EnvironmentKind kind) => kind switch
    {
        EnvironmentKind.Dev => "dev",
        EnvironmentKind.Staging => "staging",
        EnvironmentKind.Production => "production",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>"dev", "staging" or "production", in any case, surrounding spaces aside.</summary>
    public static bool TryParse(string? text, out EnvironmentKind kind)
    {
        kind = default;
        switch (text?.Trim().ToLowerInvariant())
        {
            case "dev": kind = EnvironmentKind.Dev; return true;
            case "staging": kind = EnvironmentKind.Staging; return true;
            case "production": kind = EnvironmentKind.Production; return true;
            default: return false;
        }
    }
}
