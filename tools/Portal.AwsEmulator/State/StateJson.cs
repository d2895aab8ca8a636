using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.AwsEmulator.State;

/// <summary>How state is written to the state file and copied: camelCase-free, enums as names, nulls left out.</summary>
public static class StateJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
        IncludeFields = false,
    };
}
