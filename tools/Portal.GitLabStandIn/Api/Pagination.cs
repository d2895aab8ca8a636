using System.Globalization;
using System.Text;

namespace Portal.GitLabStandIn.Api;

/// <summary>
/// Offset pagination as GitLab answers it (Gitlab::Pagination::OffsetPagination, OffsetHeaderBuilder): page from 1,
/// per_page 20 by default and at most 100, and the X-Total, X-Total-Pages, X-Page, X-Per-Page, X-Next-Page,
/// X-Prev-Page and Link headers.
/// </summary>
public static class Pagination
{
    public const int DefaultPerPage = 20;
    public const int MaxPerPage = 100;

    public static IReadOnlyList<T> Apply<T>(ApiContext context, IReadOnlyList<T> items, int maxPerPage = MaxPerPage,
        int defaultPerPage = DefaultPerPage)
    {
        var page = context.Params.Integer("page") ?? 1;
        var perPageParam = context.Params.Integer("per_page") ?? defaultPerPage;
        context.Params.Validate();
        var perPage = (int)Math.Clamp(perPageParam < 0 ? defaultPerPage : perPageParam, 0, maxPerPage);
        if (page < 1) page = 1;
        var totalPages = perPage == 0 ? 1 : Math.Max(1, (items.Count + perPage - 1) / perPage);
        var outOfRange = page > totalPages;
        var skip = outOfRange || perPage == 0 ? items.Count : (int)((page - 1) * perPage);
        var slice = items.Skip(skip).Take(perPage).ToList();

        long? next = !outOfRange && page < totalPages ? page + 1 : null;
        long? previous = !outOfRange && page > 1 ? page - 1 : null;
        var headers = context.Http.Response.Headers;
        headers["X-Per-Page"] = perPage.ToString(CultureInfo.InvariantCulture);
        headers["X-Page"] = page.ToString(CultureInfo.InvariantCulture);
        headers["X-Next-Page"] = next?.ToString(CultureInfo.InvariantCulture) ?? "";
        headers["X-Prev-Page"] = previous?.ToString(CultureInfo.InvariantCulture) ?? "";
        headers["Link"] = Links(context, perPage, previous, next, totalPages);
        headers["X-Total"] = items.Count.ToString(CultureInfo.InvariantCulture);
        headers["X-Total-Pages"] = totalPages.ToString(CultureInfo.InvariantCulture);
        return slice;
    }

    private static string Links(ApiContext context, int perPage, long? previous, long? next, int totalPages)
    {
        var links = new List<string>();
        if (previous is { } p) links.Add($"<{PageUrl(context, p, perPage)}>; rel=\"prev\"");
        if (next is { } n) links.Add($"<{PageUrl(context, n, perPage)}>; rel=\"next\"");
        links.Add($"<{PageUrl(context, 1, perPage)}>; rel=\"first\"");
        links.Add($"<{PageUrl(context, totalPages, perPage)}>; rel=\"last\"");
        return string.Join(", ", links);
    }

    /// <summary>params.merge(page:, per_page:).to_query: every parameter, sorted by name, on the instance URL.</summary>
    private static string PageUrl(ApiContext context, long page, int perPage)
    {
        var query = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in context.Params.Names)
            if (context.Params.Text(name) is { } value) query[name] = value;
        query["page"] = page.ToString(CultureInfo.InvariantCulture);
        query["per_page"] = perPage.ToString(CultureInfo.InvariantCulture);
        var text = new StringBuilder(StandInUrls.Of(context.Http).Base).Append(context.Http.Request.Path.Value).Append('?');
        text.AppendJoin('&', query.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
        return text.ToString();
    }
}
