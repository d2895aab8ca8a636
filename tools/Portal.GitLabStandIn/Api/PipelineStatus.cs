using Portal.GitLabStandIn.State;

namespace Portal.GitLabStandIn.Api;

/// <summary>A commit's status (Commit#status_for): the composite status of its newest pipeline (Gitlab::Ci::Status::Composite).</summary>
public static class PipelineStatus
{
    public static string? LatestFor(StateData d, long projectId, string sha)
    {
        var pipeline = d.Pipelines.Where(p => p.ProjectId == projectId && p.Sha == sha).MaxBy(p => p.Id);
        if (pipeline is null) return null;
        return Composite([.. d.Statuses.Where(s => s.PipelineId == pipeline.Id && !s.Retried).Select(s => s.Status)]);
    }

    public static string? Composite(IReadOnlyCollection<string> statuses)
    {
        if (statuses.Count == 0) return null;
        bool Only(params string[] allowed) => statuses.All(allowed.Contains);
        bool Any(params string[] wanted) => statuses.Any(wanted.Contains);
        if (Only("skipped")) return "skipped";
        if (Only("success", "skipped")) return "success";
        if (Only("created")) return "created";
        if (Only("canceled", "success", "skipped")) return "canceled";
        if (Only("pending", "created", "skipped")) return "pending";
        if (Any("running", "pending")) return "running";
        if (Any("created")) return "running";
        return "failed";
    }
}
