using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.AwsEmulator.Protocol;
using Portal.AwsEmulator.State;

namespace Portal.AwsEmulator.CloudFormation.Stacks;

/// <summary>
/// The stacks of one region, deleted ones included (DescribeStacks by stack id still finds them). Every read and
/// change goes through <see cref="Read{T}"/> or <see cref="Write{T}"/>, under one lock; the API handlers and the
/// stack engine never keep a stack across calls, only its id.
/// </summary>
public sealed class StackStore
{
    private readonly Lock gate = new();
    private List<StackRecord> stacks = [];

    public T Read<T>(Func<IReadOnlyList<StackRecord>, T> read)
    {
        lock (gate) return read(stacks);
    }

    public T Write<T>(Func<List<StackRecord>, T> write)
    {
        lock (gate) return write(stacks);
    }

    /// <summary>Changes one stack by id; the stack must exist.</summary>
    public T Change<T>(string stackId, Func<StackRecord, T> change)
    {
        lock (gate) return change(stacks.First(s => s.StackId == stackId));
    }

    public void Change(string stackId, Action<StackRecord> change) => Change(stackId, s => { change(s); return true; });

    /// <summary>Export name → value, from the outputs of live stacks.</summary>
    public string? Export(string name)
    {
        lock (gate)
            return stacks.Where(s => !s.IsDeleted).SelectMany(s => s.Outputs).FirstOrDefault(o => o.ExportName == name)?.Value;
    }

    public JsonNode Save()
    {
        lock (gate) return JsonSerializer.SerializeToNode(stacks, StateJson.Options)!;
    }

    public void Load(JsonNode? node)
    {
        lock (gate) stacks = node?.Deserialize<List<StackRecord>>(StateJson.Options) ?? [];
    }
}

/// <summary>Finding stacks the way CloudFormation does: by name (live stacks only) or by stack id (deleted ones too).</summary>
public static class StackLookup
{
    public static StackRecord? Find(IReadOnlyList<StackRecord> stacks, string nameOrId) => nameOrId.StartsWith("arn:", StringComparison.Ordinal)
        ? stacks.FirstOrDefault(s => s.StackId == nameOrId)
        : stacks.FirstOrDefault(s => s.StackName == nameOrId && !s.IsDeleted);

    /// <summary>DescribeStacks' and DescribeStackResources' answer for a stack that does not exist.</summary>
    public static StackRecord Require(IReadOnlyList<StackRecord> stacks, string nameOrId) =>
        Find(stacks, nameOrId) ?? throw AwsServiceException.Validation($"Stack with id {nameOrId} does not exist");

    /// <summary>A live stack (deleted stacks cannot be changed); UpdateStack and DescribeStackEvents word the error this way.</summary>
    public static StackRecord RequireLive(IReadOnlyList<StackRecord> stacks, string nameOrId) =>
        Find(stacks, nameOrId) is { IsDeleted: false } stack ? stack : throw NotFound(nameOrId);

    public static AwsServiceException NotFound(string nameOrId) => AwsServiceException.Validation($"Stack [{nameOrId}] does not exist");
}
