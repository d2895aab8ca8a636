using System.Collections.Concurrent;

namespace Portal.GitLabStandIn.Faults;

/// <summary>
/// Projects whose repository archives GitLab cannot serve for now, set through the admin API
/// (PUT/DELETE /-/standin/projects/:id/archive-outage), so a test can take GitLab away from one project's fetches while
/// the other projects of a shared stand-in carry on. An archive request then gets what GitLab Workhorse answers when
/// Rails is not answering: 502 with "GitLab is not responding".
/// </summary>
public sealed class ArchiveOutages
{
    private readonly ConcurrentDictionary<long, bool> projects = new();

    public void Start(long projectId) => projects[projectId] = true;

    public void End(long projectId) => projects.TryRemove(projectId, out _);

    public bool IsDown(long projectId) => projects.ContainsKey(projectId);
}
