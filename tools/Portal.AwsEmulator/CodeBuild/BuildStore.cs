using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.AwsEmulator.State;

namespace Portal.AwsEmulator.CodeBuild;

/// <summary>The CodeBuild projects (from stacks) and builds (from pipeline actions) of one region, under one lock.</summary>
public sealed class BuildStore(string region, string accountId)
{
    private readonly Lock gate = new();
    private BuildData data = new();

    public string ProjectArn(string name) => $"arn:{Arns.Partition(region)}:codebuild:{region}:{accountId}:project/{name}";

    /// <summary>False when a project of that name exists already.</summary>
    public bool Register(ProjectRecord project)
    {
        lock (gate)
        {
            if (data.Projects.Any(p => p.Name == project.Name)) return false;
            project.Arn = ProjectArn(project.Name);
            data.Projects.Add(project);
            return true;
        }
    }

    public void Update(ProjectRecord project)
    {
        lock (gate)
        {
            var existing = data.Projects.FirstOrDefault(p => p.Name == project.Name);
            if (existing is null) return;
            project.Arn = existing.Arn;
            project.BuildCounter = existing.BuildCounter;
            data.Projects[data.Projects.IndexOf(existing)] = project;
        }
    }

    public void Remove(string name)
    {
        lock (gate) data.Projects.RemoveAll(p => p.Name == name);
    }

    public ProjectRecord? Project(string name)
    {
        lock (gate) return data.Projects.FirstOrDefault(p => p.Name == name) is { } project ? Copy(project) : null;
    }

    /// <summary>A new build of the project, numbered after the project's previous ones.</summary>
    public BuildRecord Start(ProjectRecord project, string initiator, IReadOnlyList<BuildVariable> variables, string logGroup, string? streamPrefix)
    {
        lock (gate)
        {
            var stored = data.Projects.First(p => p.Name == project.Name);
            var uuid = Ids.Uuid();
            var build = new BuildRecord
            {
                Id = $"{project.Name}:{uuid}",
                Arn = $"arn:{Arns.Partition(region)}:codebuild:{region}:{accountId}:build/{project.Name}:{uuid}",
                BuildNumber = ++stored.BuildCounter,
                ProjectName = project.Name,
                Initiator = initiator,
                StartTime = DateTimeOffset.UtcNow,
                EnvironmentVariables = [.. variables],
                LogGroupName = project.CloudWatchLogs ? logGroup : null,
                LogStreamName = project.CloudWatchLogs ? (streamPrefix is null ? uuid : $"{streamPrefix}/{uuid}") : null,
                Image = project.Image,
                ComputeType = project.ComputeType,
                ServiceRole = project.ServiceRole,
            };
            data.Builds.Add(build);
            return Copy(build);
        }
    }

    public void Change(string buildId, Action<BuildRecord> change)
    {
        lock (gate)
            if (data.Builds.FirstOrDefault(b => b.Id == buildId) is { } build) change(build);
    }

    public IReadOnlyList<BuildRecord> Builds(IEnumerable<string> ids)
    {
        lock (gate) return ids.Select(id => data.Builds.FirstOrDefault(b => b.Id == id)).OfType<BuildRecord>().Select(Copy).ToList();
    }

    public JsonNode Save()
    {
        lock (gate) return JsonSerializer.SerializeToNode(data, StateJson.Options)!;
    }

    public void Load(JsonNode? node)
    {
        lock (gate) data = node?.Deserialize<BuildData>(StateJson.Options) ?? new BuildData();
    }

    private static T Copy<T>(T value) => JsonSerializer.Deserialize<T>(JsonSerializer.SerializeToUtf8Bytes(value, StateJson.Options), StateJson.Options)!;
}
