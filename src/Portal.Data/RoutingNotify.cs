namespace Portal.Data;

/// <summary>
/// Postgres tells every portal instance when what routes a GitLab push changes (a host's project, its URL, which
/// X-Gitlab-Instance is checked against, name, state, webhook token hash or signing token; an environment's branch, state
/// or pipeline), so that instances can keep the routing in memory.
/// Triggers rather than application code: every writer (EF, ExecuteUpdate, raw SQL, a migration) is covered. NOTIFY is
/// delivered when the writing transaction commits, and repeats within one transaction are folded into one.
/// </summary>
public static class RoutingNotify
{
    public const string Channel = "portal_webhook_routing";

    public const string Create = $"""
        CREATE FUNCTION portal_webhook_routing_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{Channel}', '');
            RETURN NULL;
        END $$;

        CREATE TRIGGER webhook_routing_changed
        AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF "CustomerId", "Name", "State", "WebhookTokenHash", "GitLabProjectId", "GitLabProjectPath",
            "GitLabHttpUrl", "WebhookSigningVersion"
        ON "Hosts" FOR EACH STATEMENT EXECUTE FUNCTION portal_webhook_routing_changed();

        CREATE TRIGGER webhook_routing_changed
        AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF "HostId", "Kind", "Branch", "State", "PipelineName"
        ON "HostEnvironments" FOR EACH STATEMENT EXECUTE FUNCTION portal_webhook_routing_changed();
        """;

    public const string Drop = """
        DROP TRIGGER webhook_routing_changed ON "HostEnvironments";
        DROP TRIGGER webhook_routing_changed ON "Hosts";
        DROP FUNCTION portal_webhook_routing_changed();
        """;
}
