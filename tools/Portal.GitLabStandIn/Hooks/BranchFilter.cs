using System.Text.RegularExpressions;
using Portal.GitLabStandIn.State;

namespace Portal.GitLabStandIn.Hooks;

/// <summary>
/// ActiveHookFilter for push hooks: a blank filter or all_branches matches every branch; wildcard matches the whole
/// name with "*" as any text (RefMatcher); regex matches anywhere in the name (Gitlab::UntrustedRegexp, RE2: run here
/// with .NET's non-backtracking engine so a hostile pattern cannot hang the stand-in).
/// </summary>
public static class BranchFilter
{
    public const string Wildcard = "wildcard";
    public const string Regex = "regex";
    public const string AllBranches = "all_branches";
    public static readonly IReadOnlyList<string> Strategies = [Wildcard, Regex, AllBranches];

    public static bool Matches(HookRecord hook, string branchName)
    {
        var filter = hook.PushEventsBranchFilter;
        if (string.IsNullOrWhiteSpace(filter)) return true;
        return hook.BranchFilterStrategy switch
        {
            AllBranches => true,
            Regex => CompileRegex(filter) is { } regex && regex.IsMatch(branchName),
            _ => filter == branchName || (filter.Contains('*') && WildcardRegex(filter).IsMatch(branchName)),
        };
    }

    public static System.Text.RegularExpressions.Regex? CompileRegex(string pattern)
    {
        try
        {
            return new System.Text.RegularExpressions.Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant,
                TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static System.Text.RegularExpressions.Regex WildcardRegex(string filter) =>
        new("\\A" + string.Join(".*?", filter.Split('*').Select(System.Text.RegularExpressions.Regex.Escape)) + "\\z",
            RegexOptions.CultureInvariant | RegexOptions.Singleline);
}
