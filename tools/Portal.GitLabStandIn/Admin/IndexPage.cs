using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Options;
using Portal.GitLabStandIn.Hooks;
using Portal.GitLabStandIn.State;

namespace Portal.GitLabStandIn.Admin;

/// <summary>A read-only overview for demos: projects and clone URLs, hooks and their recent deliveries, commit statuses.</summary>
public static class IndexPage
{
    public static IResult Render(StandInState state, StandInUrls urls, IOptions<StandInOptions> options, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var html = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>GitLab stand-in</title><style>")
            .Append("body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:1.5em}")
            .Append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:14px}code{font-size:13px}</style></head><body>")
            .Append("<h1>GitLab stand-in</h1><p>Not GitLab: a development stand-in. API at <code>").Append(E(urls.Base)).Append("/api/v4</code>, ")
            .Append("admin API at <code>/-/standin</code>.</p>");
        state.Read(d =>
        {
            foreach (var project in d.Projects.OrderBy(p => p.Id))
            {
                html.Append("<h2>").Append(E(project.FullPath)).Append(" <small>(id ").Append(project.Id).Append(", ").Append(E(project.Visibility))
                    .Append(")</small></h2><p>git clone <code>").Append(E(urls.HttpUrlToRepo(project))).Append("</code></p>");
                Table(html, ["Hook", "URL", "Events", "Status", "Recent deliveries"], d.Hooks.Where(h => h.ProjectId == project.Id).Select(h => new[]
                {
                    h.Id.ToString(CultureInfo.InvariantCulture), h.Url, string.Join(", ", HookEvents.Names.Where(h.Fires)),
                    HookHealth.AlertStatus(h, now, options.Value.AutoDisablingWebHooks),
                    string.Join(" ", d.HookLogs.Where(l => l.HookId == h.Id).OrderByDescending(l => l.Id).Take(10)
                        .Select(l => $"#{l.Id} {l.Trigger} → {l.ResponseStatus}")),
                }));
                Table(html, ["Status", "Commit", "Ref", "Name", "State", "Target URL"], d.Statuses.Where(s => s.ProjectId == project.Id && !s.Retried)
                    .OrderByDescending(s => s.Id).Take(20).Select(s => new[] { s.Id.ToString(CultureInfo.InvariantCulture), s.Sha[..8], s.Ref, s.Name, s.Status, s.TargetUrl ?? "" }));
            }
            return true;
        });
        return Results.Content(html.Append("</body></html>").ToString(), "text/html; charset=utf-8");
    }

    private static void Table(StringBuilder html, string[] headings, IEnumerable<string[]> rows)
    {
        var list = rows.ToList();
        if (list.Count == 0) return;
        html.Append("<table><tr>");
        foreach (var heading in headings) html.Append("<th>").Append(E(heading)).Append("</th>");
        html.Append("</tr>");
        foreach (var row in list)
        {
            html.Append("<tr>");
            foreach (var cell in row) html.Append("<td>").Append(E(cell)).Append("</td>");
            html.Append("</tr>");
        }
        html.Append("</table>");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
