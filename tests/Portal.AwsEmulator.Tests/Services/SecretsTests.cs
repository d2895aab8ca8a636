using System.Text.Json.Nodes;
using Portal.AwsEmulator.Tests.Calls;

namespace Portal.AwsEmulator.Tests.Services;

/// <summary>Secrets from stacks (generated, and RDS managed master passwords) and Secrets Manager's API semantics.</summary>
public sealed class SecretsTests(EmulatorFixture aws) : IClassFixture<EmulatorFixture>
{
    [Fact]
    public async Task A_stack_secret_with_generate_secret_string_is_readable_and_leaves_with_the_stack()
    {
        var name = EmulatorFixture.UniqueName("secret");
        const string template = """
            Resources:
              Credentials:
                Type: AWS::SecretsManager::Secret
                Properties:
                  Description: app credentials
                  GenerateSecretString:
                    SecretStringTemplate: '{"username":"app"}'
                    GenerateStringKey: password
                    PasswordLength: 40
                    ExcludeCharacters: '"@/\'
            Outputs:
              Arn: { Value: !Ref Credentials }
              Id: { Value: !GetAtt Credentials.Id }
            """;
        var stack = await aws.Stacks.CreateAndWaitAsync(name, template, null, ("Tags.member.1.Key", "portal:customer"), ("Tags.member.1.Value", "acme"));

        var value = JsonNode.Parse(await aws.Secrets.ValueAsync(stack.Outputs["Arn"]))!;
        var described = await aws.Secrets.CallAsync("DescribeSecret", new JsonObject { ["SecretId"] = stack.Outputs["Arn"] });

        Assert.Matches($"^arn:aws:secretsmanager:eu-west-1:000000000000:secret:{name}-Credentials-[A-Z0-9]{{12}}-[A-Za-z0-9]{{6}}$", stack.Outputs["Arn"]);
        Assert.Equal(stack.Outputs["Arn"], stack.Outputs["Id"]);
        Assert.Equal("app", value["username"]!.GetValue<string>());
        var password = value["password"]!.GetValue<string>();
        Assert.Equal(40, password.Length);
        Assert.DoesNotContain(password, c => "\"@/\\".Contains(c));
        Assert.Contains(password, char.IsUpper);
        Assert.Contains(password, char.IsDigit);
        Assert.Equal("app credentials", described["Description"]!.GetValue<string>());
        Assert.Contains(described["Tags"]!.AsArray(), t => t!["Key"]!.GetValue<string>() == "portal:customer");

        await aws.Stacks.DeleteAsync(name);
        await aws.Stacks.WaitAsync(stack.StackId);
        var gone = await Assert.ThrowsAsync<AwsError>(() => aws.Secrets.GetAsync(stack.Outputs["Arn"]));
        Assert.Equal("ResourceNotFoundException", gone.Code);
    }

    [Fact]
    public async Task A_database_with_a_managed_master_password_keeps_it_in_a_readable_secret()
    {
        var name = EmulatorFixture.UniqueName("database");
        const string template = """
            Parameters:
              Protect: { Type: String, Default: "true" }
            Resources:
              Database:
                Type: AWS::RDS::DBInstance
                Properties:
                  Engine: postgres
                  DBInstanceClass: db.t4g.micro
                  MasterUsername: portaladmin
                  ManageMasterUserPassword: true
                  DeletionProtection: !Ref Protect
            Outputs:
              Address: { Value: !GetAtt Database.Endpoint.Address }
              Port: { Value: !GetAtt Database.Endpoint.Port }
              Secret: { Value: !GetAtt Database.MasterUserSecret.SecretArn }
            """;
        var stack = await aws.Stacks.CreateAndWaitAsync(name, template);

        var secret = JsonNode.Parse(await aws.Secrets.ValueAsync(stack.Outputs["Secret"]))!;
        var described = await aws.Secrets.CallAsync("DescribeSecret", new JsonObject { ["SecretId"] = stack.Outputs["Secret"] });
        await aws.Stacks.DeleteAsync(name);
        var protectedStack = await aws.Stacks.WaitAsync(stack.StackId);

        Assert.Equal("5432", stack.Outputs["Port"]);
        Assert.Matches(@"^[a-z0-9-]+\.[a-z0-9]{12}\.eu-west-1\.rds\.amazonaws\.com$", stack.Outputs["Address"]);
        Assert.Contains(":secret:rds!db-", stack.Outputs["Secret"]);
        Assert.Equal("portaladmin", secret["username"]!.GetValue<string>());
        Assert.Equal(28, secret["password"]!.GetValue<string>().Length);
        Assert.Equal("rds", described["OwningService"]!.GetValue<string>());
        Assert.Equal("DELETE_FAILED", protectedStack.Status);
        Assert.Contains(await aws.Stacks.EventsAsync(stack.StackId), e => e.LogicalId == "Database" && e.Status == "DELETE_FAILED"
            && e.Reason!.Contains("Cannot delete protected DB Instance, please disable deletion protection and try again."));

        var error = await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.UpdateAsync(name, template, new Dictionary<string, string> { ["Protect"] = "false" }));
        Assert.Equal($"Stack:{stack.StackId} is in DELETE_FAILED state and can not be updated.", error.AwsMessage);
    }

    [Fact]
    public async Task Lifting_deletion_protection_lets_the_database_and_its_secret_go()
    {
        var name = EmulatorFixture.UniqueName("decommission");
        const string template = """
            Parameters:
              Protect: { Type: String, Default: "true" }
            Resources:
              Database: { Type: AWS::RDS::DBInstance, Properties: { Engine: mysql, MasterUsername: admin, ManageMasterUserPassword: "true", DeletionProtection: !Ref Protect } }
            Outputs:
              Secret: { Value: !GetAtt Database.MasterUserSecret.SecretArn }
              Port: { Value: !GetAtt Database.Endpoint.Port }
            """;
        var stack = await aws.Stacks.CreateAndWaitAsync(name, template);

        await aws.Stacks.WaitAsync(await aws.Stacks.UpdateAsync(name, template, new Dictionary<string, string> { ["Protect"] = "false" }));
        await aws.Stacks.DeleteAsync(name);
        var deleted = await aws.Stacks.WaitAsync(stack.StackId);

        Assert.Equal("3306", stack.Outputs["Port"]);
        Assert.Equal("DELETE_COMPLETE", deleted.Status);
        Assert.Equal("ResourceNotFoundException", (await Assert.ThrowsAsync<AwsError>(() => aws.Secrets.GetAsync(stack.Outputs["Secret"]))).Code);
    }

    [Fact]
    public async Task Versions_move_through_the_stages_and_client_request_tokens_are_idempotent()
    {
        var name = "app/" + Guid.NewGuid().ToString("N");
        var created = await aws.Secrets.CallAsync("CreateSecret", new JsonObject { ["Name"] = name, ["SecretString"] = "v1", ["ClientRequestToken"] = "token-0000000000000000000000000000001" });
        var retried = await aws.Secrets.CallAsync("CreateSecret", new JsonObject { ["Name"] = name, ["SecretString"] = "v1", ["ClientRequestToken"] = "token-0000000000000000000000000000001" });
        var second = await aws.Secrets.CallAsync("PutSecretValue", new JsonObject { ["SecretId"] = name, ["SecretString"] = "v2", ["ClientRequestToken"] = "token-0000000000000000000000000000002" });
        var secondAgain = await aws.Secrets.CallAsync("PutSecretValue", new JsonObject { ["SecretId"] = name, ["SecretString"] = "v2", ["ClientRequestToken"] = "token-0000000000000000000000000000002" });
        var conflict = await Assert.ThrowsAsync<AwsError>(() => aws.Secrets.CallAsync("PutSecretValue",
            new JsonObject { ["SecretId"] = name, ["SecretString"] = "other", ["ClientRequestToken"] = "token-0000000000000000000000000000002" }));
        await aws.Secrets.CallAsync("PutSecretValue", new JsonObject { ["SecretId"] = created["ARN"]!.GetValue<string>(), ["SecretString"] = "v3" });

        var described = await aws.Secrets.CallAsync("DescribeSecret", new JsonObject { ["SecretId"] = name });
        var stages = described["VersionIdsToStages"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.AsArray().Select(s => s!.GetValue<string>()).ToList());

        Assert.Equal(created["ARN"]!.GetValue<string>(), retried["ARN"]!.GetValue<string>());
        Assert.Equal("token-0000000000000000000000000000001", created["VersionId"]!.GetValue<string>());
        Assert.Equal(second["VersionId"]!.GetValue<string>(), secondAgain["VersionId"]!.GetValue<string>());
        Assert.Equal(("ResourceExistsException", "You can't modify an existing version, you can only create a new version."), (conflict.Code, conflict.AwsMessage));
        Assert.Equal("v3", await aws.Secrets.ValueAsync(name));
        Assert.Equal("v2", await aws.Secrets.ValueAsync(name, "AWSPREVIOUS"));
        Assert.Equal(["AWSPREVIOUS"], stages["token-0000000000000000000000000000002"]);
        Assert.DoesNotContain("token-0000000000000000000000000000001", stages.Keys);
        var byVersion = await aws.Secrets.CallAsync("GetSecretValue", new JsonObject { ["SecretId"] = name, ["VersionId"] = "token-0000000000000000000000000000001" });
        Assert.Equal("v1", byVersion["SecretString"]!.GetValue<string>());
        Assert.Empty(byVersion["VersionStages"]!.AsArray());
        var pending = await Assert.ThrowsAsync<AwsError>(() => aws.Secrets.GetAsync(name, "AWSPENDING"));
        Assert.Equal(("ResourceNotFoundException", "Secrets Manager can't find the specified secret value for staging label: AWSPENDING"), (pending.Code, pending.AwsMessage));
    }

    [Fact]
    public async Task Creating_a_secret_that_exists_or_with_two_values_is_refused()
    {
        var name = "dup/" + Guid.NewGuid().ToString("N");
        await aws.Secrets.CallAsync("CreateSecret", new JsonObject { ["Name"] = name, ["SecretString"] = "x" });

        var duplicate = await Assert.ThrowsAsync<AwsError>(() => aws.Secrets.CallAsync("CreateSecret", new JsonObject { ["Name"] = name, ["SecretString"] = "y" }));
        var both = await Assert.ThrowsAsync<AwsError>(() => aws.Secrets.CallAsync("CreateSecret", new JsonObject { ["Name"] = name + "2", ["SecretString"] = "y", ["SecretBinary"] = "eQ==" }));
        var missing = await Assert.ThrowsAsync<AwsError>(() => aws.Secrets.GetAsync("no/such/secret"));

        Assert.Equal(("ResourceExistsException", $"The operation failed because the secret {name} already exists."), (duplicate.Code, duplicate.AwsMessage));
        Assert.Equal("InvalidParameterException", both.Code);
        Assert.Equal(("ResourceNotFoundException", "Secrets Manager can't find the specified secret.", 400), (missing.Code, missing.AwsMessage, missing.Status));
    }

    [Fact]
    public async Task Deletion_is_scheduled_after_the_recovery_window_or_immediate_when_forced()
    {
        var name = "old/" + Guid.NewGuid().ToString("N");
        await aws.Secrets.CallAsync("CreateSecret", new JsonObject { ["Name"] = name, ["SecretString"] = "x" });

        var tooShort = await Assert.ThrowsAsync<AwsError>(() => aws.Secrets.CallAsync("DeleteSecret", new JsonObject { ["SecretId"] = name, ["RecoveryWindowInDays"] = 3 }));
        var both = await Assert.ThrowsAsync<AwsError>(() => aws.Secrets.CallAsync("DeleteSecret",
            new JsonObject { ["SecretId"] = name, ["RecoveryWindowInDays"] = 7, ["ForceDeleteWithoutRecovery"] = true }));
        var scheduled = await aws.Secrets.CallAsync("DeleteSecret", new JsonObject { ["SecretId"] = name, ["RecoveryWindowInDays"] = 7 });
        var read = await Assert.ThrowsAsync<AwsError>(() => aws.Secrets.GetAsync(name));
        var recreate = await Assert.ThrowsAsync<AwsError>(() => aws.Secrets.CallAsync("CreateSecret", new JsonObject { ["Name"] = name, ["SecretString"] = "y" }));
        var described = await aws.Secrets.CallAsync("DescribeSecret", new JsonObject { ["SecretId"] = name });
        await aws.Secrets.CallAsync("DeleteSecret", new JsonObject { ["SecretId"] = name, ["ForceDeleteWithoutRecovery"] = true });
        var gone = await Assert.ThrowsAsync<AwsError>(() => aws.Secrets.CallAsync("DescribeSecret", new JsonObject { ["SecretId"] = name }));
        await aws.Secrets.CallAsync("CreateSecret", new JsonObject { ["Name"] = name, ["SecretString"] = "new" });

        Assert.Equal("InvalidParameterException", tooShort.Code);
        Assert.Equal("InvalidParameterException", both.Code);
        var deletionDate = DateTimeOffset.FromUnixTimeMilliseconds((long)(scheduled["DeletionDate"]!.GetValue<double>() * 1000));
        Assert.InRange(deletionDate, DateTimeOffset.UtcNow.AddDays(6.9), DateTimeOffset.UtcNow.AddDays(7.1));
        Assert.Equal(("InvalidRequestException", "You can't perform this operation on the secret because it was marked for deletion."), (read.Code, read.AwsMessage));
        Assert.Equal("InvalidRequestException", recreate.Code);
        Assert.NotNull(described["DeletedDate"]);
        Assert.Equal("ResourceNotFoundException", gone.Code);
        Assert.Equal("new", await aws.Secrets.ValueAsync(name));
    }
}
