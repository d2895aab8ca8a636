using System.Text.RegularExpressions;
using Portal.Data;
using Portal.Data.Entities;
using Portal.GitLab;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Orders;

/// <summary>
/// The one set of rules for a host order, used by the order form and the API alike. Errors are keyed by the
/// fields in <see cref="HostOrderFields"/>. Uniqueness of the name needs the database and is checked by
/// <see cref="HostOrders"/> on top of these rules.
/// </summary>
public sealed partial class HostOrderValidator(PlanCatalog plans, GitLabOptions? gitLab = null)
{
    public const int MaxNameLength = 40;
    public const int MaxBranchLength = 255;
    public const int MaxGitLabPathLength = 255;
    public const int MaxGitLabUrlLength = 500;
    public const int MaxHealthCheckPathLength = 200;
    public const int MaxEmailLength = 254;
    public const int MinDatabaseStorageGb = 20;
    public const int MaxDatabaseStorageGb = 16384;

    public HostOrderValidation Validate(HostOrder order)
    {
        var errors = new FieldErrors();
        var name = CheckName(order.Name, errors);
        var plan = CheckPlan(order.Plan, errors);
        var environments = CheckEnvironments(order, errors);
        // Production-only rules follow what was ordered, even when production's branch has an error of its own.
        var production = order.Includes(EnvironmentKind.Production);
        var (gitLabPath, gitLabUrl) = CheckGitLab(order.GitLabProjectPath, order.GitLabProjectUrl, errors);
        var infrastructureFolder = CheckInfrastructureFolder(order.InfrastructureFolder, errors);
        var healthCheckPath = CheckHealthCheckPath(order.HealthCheckPath, errors);
        var approvers = CheckApprovers(order.ApproverEmails, production, errors);
        var (domain, certificate) = CheckCustomDomain(order.CustomDomain, order.CertificateArn, production, errors);
        var style = CheckDeploymentStyle(order.DeploymentStyle, production, errors);
        var database = CheckDatabase(order, plan?.Definition, errors);
        var (min, max) = CheckInstances(order.MinInstances, order.MaxInstances, plan, errors);

        if (errors.Any) return new HostOrderValidation(errors.ToDictionary(), null);
        return new HostOrderValidation(errors.ToDictionary(), new ValidHostOrder(
            name!, plan!.Value.Name, environments, gitLabPath!, gitLabUrl!, healthCheckPath!, approvers,
            domain, certificate, style, database!, min, max, infrastructureFolder!));
    }

    /// <summary>
    /// An edit of an existing host's order: every rule of a new order, plus what cannot change once a host exists
    /// (its name, its GitLab project, its database engine), that database storage only grows, and that environments
    /// may be added or removed as long as one stays (removing production is confirmed by typing its name).
    /// </summary>
    public HostOrderValidation ValidateChange(Host current, HostOrder proposed)
    {
        var validation = Validate(proposed);
        var errors = validation.Errors.ToDictionary(e => e.Key, e => e.Value.ToList());
        void Refuse(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
            list.Add(message);
        }
        if (!string.Equals(proposed.Name?.Trim(), current.Name, StringComparison.Ordinal))
            Refuse(HostOrderFields.Name, $"A host's name cannot change (it names its stacks). Keep '{current.Name}'.");
        if (!EnvironmentNames.All.Any(proposed.Includes))
            errors[HostOrderFields.Environments] = ["A host keeps at least one environment: to remove every one, decommission the host."];
        if (current.LiveEnvironments().Any(e => e.Kind == EnvironmentKind.Production) && !proposed.Includes(EnvironmentKind.Production)
            && !ConfirmsRemoval(EnvironmentKind.Production, proposed.ConfirmRemoval))
            Refuse(HostOrderFields.ConfirmRemoval, RemovalConfirmationMissing(EnvironmentKind.Production));
        if (proposed.GitLabProjectPath?.Trim().Trim('/') is { Length: > 0 } path && !string.Equals(path, current.GitLab.PathWithNamespace, StringComparison.OrdinalIgnoreCase))
            Refuse(HostOrderFields.GitLabProjectPath,
                $"A host's GitLab project cannot change (renames and transfers are followed by the project's id). Keep '{current.GitLab.PathWithNamespace}'.");
        if (HostOrderTerms.TryParseDatabaseEngine(proposed.DatabaseEngine, out var engine) && engine != current.Database.Engine)
            Refuse(HostOrderFields.DatabaseEngine, $"The database engine cannot change: that would replace the database and lose its data. Keep '{current.Database.Engine}'.");
        if (validation.Order is { Database.Exists: true } order && order.Database.StorageGb < current.Database.AllocatedStorageGb)
            Refuse(HostOrderFields.DatabaseStorageGb, $"Database storage can only grow (it is {current.Database.AllocatedStorageGb} GB now).");
        return errors.Count == 0
            ? validation
            : new HostOrderValidation(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()), null);
    }

    /// <summary>Removing an environment is confirmed by typing its name exactly (surrounding spaces and case aside).</summary>
    public static bool ConfirmsRemoval(EnvironmentKind kind, string? typed) =>
        typed is not null && string.Equals(typed.Trim(), EnvironmentNames.Of(kind), StringComparison.OrdinalIgnoreCase);

    public static string RemovalConfirmationMissing(EnvironmentKind kind) =>
        $"Type '{EnvironmentNames.Of(kind)}' to confirm its removal: its stacks are deleted, and its database with them (after a final snapshot).";

    /// <summary>The plan an order names, or null when it names none of the catalog's.</summary>
    public (string Name, PlanDefinition Definition)? FindPlan(string? name) =>
        name is not null && plans.Plans.TryGetValue(name.Trim(), out var plan)
            ? (plans.Plans.Keys.First(k => string.Equals(k, name.Trim(), StringComparison.OrdinalIgnoreCase)), plan)
            : null;

    private static string? CheckName(string? value, FieldErrors errors)
    {
        var name = value?.Trim() ?? "";
        if (name.Length == 0)
            return errors.Add(HostOrderFields.Name, "Enter a name for the host, e.g. 'shop-api'.");
        if (name.Length > MaxNameLength)
            return errors.Add(HostOrderFields.Name, $"Use at most {MaxNameLength} characters.");
        // NamePattern is what the templates accept; a double or trailing hyphen would collapse in stack names and
        // make two hosts' names collide.
        if (!HostNamePattern().IsMatch(name) || name.Contains("--", StringComparison.Ordinal) || name.EndsWith('-'))
            return errors.Add(HostOrderFields.Name,
                "Use lower-case letters, digits and single hyphens, starting with a letter and not ending with a hyphen.");
        return name;
    }

    private (string Name, PlanDefinition Definition)? CheckPlan(string? value, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(HostOrderFields.Plan, $"Choose a plan: {string.Join(", ", plans.Plans.Keys)}.");
            return null;
        }
        var plan = FindPlan(value);
        if (plan is null)
            errors.Add(HostOrderFields.Plan, $"There is no plan '{value.Trim()}'. Choose one of: {string.Join(", ", plans.Plans.Keys)}.");
        return plan;
    }

    private static List<OrderedEnvironment> CheckEnvironments(HostOrder order, FieldErrors errors)
    {
        var kinds = new SortedSet<EnvironmentKind>();
        foreach (var text in order.Environments)
        {
            if (EnvironmentNames.TryParse(text, out var kind)) kinds.Add(kind);
            else errors.Add(HostOrderFields.Environments, $"'{text}' is not an environment; use dev, staging or production.");
        }
        if (kinds.Count == 0 && !errors.Has(HostOrderFields.Environments))
            errors.Add(HostOrderFields.Environments, "Choose at least one environment: dev, staging or production.");

        var ordered = new List<OrderedEnvironment>();
        foreach (var kind in kinds)
        {
            var field = HostOrderFields.BranchOf(kind);
            var given = order.BranchOf(kind);
            var branch = string.IsNullOrWhiteSpace(given) ? HostOrderTerms.DefaultBranch(kind) : given.Trim();
            if (BranchNameProblem(branch) is { } problem)
            {
                errors.Add(field, problem);
                continue;
            }
            if (ordered.FirstOrDefault(e => e.Branch == branch) is { } other)
            {
                errors.Add(field, $"{EnvironmentNames.Of(other.Kind)} already deploys from '{branch}'; each environment needs its own branch.");
                continue;
            }
            ordered.Add(new OrderedEnvironment(kind, branch));
        }
        return ordered;
    }

    /// <summary>Git's rules for ref names (git check-ref-format), plus what git refuses as a branch name.</summary>
    public static string? BranchNameProblem(string branch)
    {
        const string hint = "is not a valid git branch name";
        if (branch.Length > MaxBranchLength) return $"Use at most {MaxBranchLength} characters.";
        if (branch == "@" || branch == "HEAD") return $"'{branch}' {hint}.";
        if (branch.StartsWith('-')) return $"A branch name cannot start with '-'.";
        if (branch.StartsWith('/') || branch.EndsWith('/') || branch.Contains("//", StringComparison.Ordinal))
            return "A branch name cannot start or end with '/' or contain '//'.";
        if (branch.EndsWith('.')) return "A branch name cannot end with '.'.";
        if (branch.Contains("..", StringComparison.Ordinal)) return "A branch name cannot contain '..'.";
        if (branch.Contains("@{", StringComparison.Ordinal)) return "A branch name cannot contain '@{'.";
        if (branch.Any(c => c < 0x20 || c == 0x7f || c is ' ' or '~' or '^' or ':' or '?' or '*' or '[' or '\\'))
            return "A branch name cannot contain spaces or any of ~ ^ : ? * [ \\.";
        if (branch.Split('/').Any(part => part.StartsWith('.') || part.EndsWith(".lock", StringComparison.Ordinal)))
            return "No part of a branch name may start with '.' or end with '.lock'.";
        return null;
    }

    /// <summary>A relative folder of the repository: segments of letters, digits, '_', '-' and '.', never '..'.</summary>
    private static string? CheckInfrastructureFolder(string? value, FieldErrors errors)
    {
        var folder = string.IsNullOrWhiteSpace(value) ? GitLabProject.DefaultInfrastructureFolder : value.Trim().Trim('/');
        if (folder.Length > ColumnLengths.RepositoryPath)
            return errors.Add(HostOrderFields.InfrastructureFolder, $"Use at most {ColumnLengths.RepositoryPath} characters.");
        if (!FolderPattern().IsMatch(folder) || folder.Split('/').Any(part => part is "." or ".."))
            return errors.Add(HostOrderFields.InfrastructureFolder,
                "Name a folder of the repository, e.g. 'infrastructure' or 'ops/image' (letters, digits, '_', '-', '.', no '..').");
        return folder;
    }

    private (string? Path, string? Url) CheckGitLab(string? pathValue, string? urlValue, FieldErrors errors)
    {
        var path = pathValue?.Trim().Trim('/') ?? "";
        string? validPath = null;
        if (path.Length == 0)
            errors.Add(HostOrderFields.GitLabProjectPath, "Enter the project's path with its namespace, e.g. 'acme/web/shop'.");
        else if (path.Length > MaxGitLabPathLength)
            errors.Add(HostOrderFields.GitLabProjectPath, $"Use at most {MaxGitLabPathLength} characters.");
        else if (!GitLabPathPattern().IsMatch(path) || path.Contains("..", StringComparison.Ordinal)
                 || path.Split('/').Any(p => p.EndsWith(".git", StringComparison.OrdinalIgnoreCase) || p.EndsWith(".atom", StringComparison.OrdinalIgnoreCase)))
            errors.Add(HostOrderFields.GitLabProjectPath,
                "Use the namespace and project separated by '/', e.g. 'acme/web/shop' (letters, digits, '_', '-', '.').");
        else
            validPath = path;

        var url = urlValue?.Trim() ?? "";
        string? validUrl = null;
        if (url.Length == 0)
            errors.Add(HostOrderFields.GitLabProjectUrl, "Enter the project's HTTPS URL, e.g. 'https://gitlab.example.com/acme/web/shop.git'.");
        else if (url.Length > MaxGitLabUrlLength)
            errors.Add(HostOrderFields.GitLabProjectUrl, $"Use at most {MaxGitLabUrlLength} characters.");
        else if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !IsGitLabScheme(uri) || uri.Host.Length == 0
                 || uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0)
            errors.Add(HostOrderFields.GitLabProjectUrl, "Enter an https:// URL without user name, query or fragment.");
        else if (validPath is not null && !PointsAt(uri, validPath))
            errors.Add(HostOrderFields.GitLabProjectUrl, $"The URL does not point at the project '{validPath}'.");
        else
            validUrl = url;
        return (validPath, validUrl);
    }

    /// <summary>https, or the configured GitLab's own scheme and address (the local stand-in speaks http).</summary>
    private bool IsGitLabScheme(Uri uri) =>
        uri.Scheme == Uri.UriSchemeHttps
        || (gitLab is { Url.Length: > 0 } configured && configured.BaseUrl is var instance && uri.Scheme == instance.Scheme && uri.Authority == instance.Authority);

    /// <summary>GitLab may live under a sub-path (https://example.com/gitlab/acme/shop.git), so compare the end.</summary>
    private static bool PointsAt(Uri uri, string projectPath)
    {
        var path = Uri.UnescapeDataString(uri.AbsolutePath).TrimEnd('/');
        if (path.EndsWith(".git", StringComparison.OrdinalIgnoreCase)) path = path[..^4];
        return path.EndsWith("/" + projectPath, StringComparison.OrdinalIgnoreCase);
    }

    private static string? CheckHealthCheckPath(string? value, FieldErrors errors)
    {
        var path = string.IsNullOrWhiteSpace(value) ? HostOrderTerms.DefaultHealthCheckPath : value.Trim();
        if (path.Length > MaxHealthCheckPathLength)
            return errors.Add(HostOrderFields.HealthCheckPath, $"Use at most {MaxHealthCheckPathLength} characters.");
        if (!HealthCheckPathPattern().IsMatch(path))
            return errors.Add(HostOrderFields.HealthCheckPath, "Start with '/' and use only URL path characters, e.g. '/health'.");
        return path;
    }

    private static List<string> CheckApprovers(List<string> values, bool production, FieldErrors errors)
    {
        var emails = values.Select(v => v?.Trim() ?? "").Where(v => v.Length > 0).ToList();
        foreach (var email in emails.Where(e => !IsEmail(e)))
            errors.Add(HostOrderFields.ApproverEmails, $"'{email}' is not an e-mail address.");
        foreach (var duplicate in emails.GroupBy(e => e, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            errors.Add(HostOrderFields.ApproverEmails, $"'{duplicate.Key}' is listed more than once.");
        if (emails.Count > HostStackRenderer.MaxApprovers)
            errors.Add(HostOrderFields.ApproverEmails, $"Name at most {HostStackRenderer.MaxApprovers} approvers (you named {emails.Count}).");
        if (production && emails.Count == 0)
            errors.Add(HostOrderFields.ApproverEmails, "Production releases wait for approval: name at least one approver's e-mail.");
        return emails;
    }

    public static bool IsEmail(string email) => email.Length <= MaxEmailLength && EmailPattern().IsMatch(email);

    private static (string? Domain, string? Certificate) CheckCustomDomain(string? domainValue, string? arnValue, bool production, FieldErrors errors)
    {
        var domain = domainValue?.Trim().ToLowerInvariant() ?? "";
        var arn = arnValue?.Trim() ?? "";
        if (domain.Length == 0 && arn.Length == 0) return (null, null);

        var valid = true;
        if (domain.Length == 0)
            valid = errors.Fail(HostOrderFields.CustomDomain, "Enter the custom domain this certificate is for, or remove the certificate.");
        else if (!production)
            valid = errors.Fail(HostOrderFields.CustomDomain, "A custom domain is for production only: order production or leave the domain empty.");
        else if (domain.Length > 253 || !DomainPattern().IsMatch(domain))
            valid = errors.Fail(HostOrderFields.CustomDomain, "Enter a domain name such as 'www.example.com' (no scheme, path or port).");

        if (arn.Length == 0)
            valid = errors.Fail(HostOrderFields.CertificateArn, "A custom domain needs the ARN of its ACM certificate.");
        else if (!CertificateArnPattern().IsMatch(arn))
            valid = errors.Fail(HostOrderFields.CertificateArn,
                "Enter an ACM certificate ARN such as 'arn:aws:acm:eu-west-1:123456789012:certificate/…'.");
        return valid ? (domain, arn) : (null, null);
    }

    private static DeploymentStyle CheckDeploymentStyle(string? value, bool production, FieldErrors errors)
    {
        if (!HostOrderTerms.TryParseDeploymentStyle(value, out var style))
        {
            errors.Add(HostOrderFields.DeploymentStyle, "Choose in-place, blue-green or zonal.");
            return DeploymentStyle.InPlace;
        }
        if (style != DeploymentStyle.InPlace && !production)
            errors.Add(HostOrderFields.DeploymentStyle, "Blue/green and zonal deployments are for production; other environments deploy in place.");
        return style;
    }

    private static DatabaseChoice? CheckDatabase(HostOrder order, PlanDefinition? plan, FieldErrors errors)
    {
        if (!HostOrderTerms.TryParseDatabaseEngine(order.DatabaseEngine, out var engine))
        {
            errors.Add(HostOrderFields.DatabaseEngine, "Choose none, postgres or mysql.");
            return null;
        }
        if (engine == HostOrderTerms.NoDatabase)
        {
            if (order.DatabaseMultiAz)
                errors.Add(HostOrderFields.DatabaseMultiAz, "Multi-AZ applies to a database; choose an engine or turn it off.");
            return new DatabaseChoice(engine, plan?.DatabaseInstanceClass ?? "", 0, false);
        }
        var storage = order.DatabaseStorageGb ?? plan?.DatabaseStorageGb ?? MinDatabaseStorageGb;
        if (storage is < MinDatabaseStorageGb or > MaxDatabaseStorageGb)
            errors.Add(HostOrderFields.DatabaseStorageGb, $"Storage must be between {MinDatabaseStorageGb} and {MaxDatabaseStorageGb} GB.");
        return new DatabaseChoice(engine, plan?.DatabaseInstanceClass ?? "", storage, order.DatabaseMultiAz);
    }

    private static (int Min, int Max) CheckInstances(int? minValue, int? maxValue, (string Name, PlanDefinition Definition)? plan, FieldErrors errors)
    {
        var min = minValue ?? plan?.Definition.MinInstances ?? 1;
        var max = maxValue ?? plan?.Definition.MaxInstances ?? min;
        if (min < 1)
            errors.Add(HostOrderFields.MinInstances, "Run at least one instance.");
        if (max < min)
            errors.Add(HostOrderFields.MaxInstances, $"The maximum must be at least the minimum ({min}).");
        else if (plan is { } p && max > p.Definition.MaxInstances)
            errors.Add(HostOrderFields.MaxInstances, $"The {p.Name} plan allows at most {p.Definition.MaxInstances} instances.");
        return (min, max);
    }

    [GeneratedRegex(HostEnvironmentOrder.NamePattern)]
    private static partial Regex HostNamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)+$")]
    private static partial Regex GitLabPathPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$")]
    private static partial Regex FolderPattern();

    [GeneratedRegex(@"^/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$")]
    private static partial Regex HealthCheckPathPattern();

    [GeneratedRegex(@"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")]
    private static partial Regex DomainPattern();

    [GeneratedRegex(@"^arn:aws(-[a-z]+)*:acm:[a-z]{2}(-[a-z]+)+-\d:\d{12}:certificate/[A-Za-z0-9-]{1,64}$")]
    private static partial Regex CertificateArnPattern();

    private sealed class FieldErrors
    {
        private readonly Dictionary<string, List<string>> errors = [];

        public bool Any => errors.Count > 0;
        public bool Has(string field) => errors.ContainsKey(field);

        /// <summary>Adds an error; returns null so a check can "return errors.Add(...)".</summary>
        public string? Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
            list.Add(message);
            return null;
        }

        /// <summary>Adds an error; returns false for checks that track validity.</summary>
        public bool Fail(string field, string message)
        {
            Add(field, message);
            return false;
        }

        public Dictionary<string, string[]> ToDictionary() => errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
    }
}

/// <summary>The outcome of validating an order: field errors, or the order in canonical form.</summary>
public sealed record HostOrderValidation(IReadOnlyDictionary<string, string[]> Errors, ValidHostOrder? Order)
{
    public bool IsValid => Order is not null;

    public IReadOnlyList<string> ErrorsFor(string field) => Errors.TryGetValue(field, out var messages) ? messages : [];
}

/// <summary>An order that passed every rule, with defaults filled in and values trimmed.</summary>
public sealed record ValidHostOrder(
    string Name,
    string Plan,
    IReadOnlyList<OrderedEnvironment> Environments,
    string GitLabProjectPath,
    string GitLabProjectUrl,
    string HealthCheckPath,
    IReadOnlyList<string> ApproverEmails,
    string? CustomDomain,
    string? CertificateArn,
    DeploymentStyle DeploymentStyle,
    DatabaseChoice Database,
    int MinInstances,
    int MaxInstances,
    string InfrastructureFolder = GitLabProject.DefaultInfrastructureFolder);

public sealed record OrderedEnvironment(EnvironmentKind Kind, string Branch);

public sealed record DatabaseChoice(string Engine, string InstanceClass, int StorageGb, bool MultiAz)
{
    public bool Exists => Engine != HostOrderTerms.NoDatabase;
}
