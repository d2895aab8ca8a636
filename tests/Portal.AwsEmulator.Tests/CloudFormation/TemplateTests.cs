using Portal.AwsEmulator.Tests.Calls;

namespace Portal.AwsEmulator.Tests.CloudFormation;

/// <summary>YAML short forms and JSON long forms, intrinsic functions, conditions, pseudo parameters and template errors.</summary>
public sealed class TemplateTests(EmulatorFixture aws) : IClassFixture<EmulatorFixture>
{
    private const string Functions = """
        AWSTemplateFormatVersion: "2010-09-09"
        Description: Every intrinsic function
        Parameters:
          Env: { Type: String, Default: dev, AllowedValues: [dev, prod] }
          Zones: { Type: CommaDelimitedList, Default: "a,b,c" }
        Mappings:
          Sizes:
            dev: { Instance: t3.micro }
            prod: { Instance: m5.large }
        Conditions:
          IsProd: !Equals [!Ref Env, prod]
          IsDev: !Not [!Condition IsProd]
          Both: !And [!Condition IsDev, !Equals [x, x]]
          Either: !Or [!Condition IsProd, !Equals [!Select [1, !Ref Zones], b]]
        Resources:
          Topic:
            Type: AWS::SNS::Topic
            Properties:
              TopicName: !Sub "${AWS::StackName}-topic"
          ProdOnly:
            Type: AWS::SNS::Topic
            Condition: IsProd
        Outputs:
          Sub: { Value: !Sub "${Env}-${AWS::Region}-${AWS::AccountId}-${Topic.TopicName}" }
          SubMap: { Value: !Sub ["${A}/${B}", { A: !Ref Env, B: literal }] }
          SubEscape: { Value: !Sub "${!NotAVariable}" }
          Join: { Value: !Join [":", [a, !Ref Env, !Select [2, !Ref Zones]]] }
          Split: { Value: !Select [1, !Split ["|", "x|y|z"]] }
          If: { Value: !If [IsProd, big, small] }
          Map: { Value: !FindInMap [Sizes, !Ref Env, Instance] }
          Base64: { Value: !Base64 hello }
          Cidr: { Value: !Join [",", !Cidr ["10.0.0.0/16", 3, 8]] }
          Zones: { Value: !Join [",", !GetAZs ""] }
          Arn: { Value: !GetAtt Topic.TopicArn }
          Ref: { Value: !Ref Topic }
          Both: { Value: !If [Both, "yes", "no"] }
          Either: { Value: !If [Either, "yes", "no"] }
          ProdTopic: { Condition: IsProd, Value: !Ref ProdOnly }
          Partition: { Value: !Sub "${AWS::Partition}.${AWS::URLSuffix}" }
          Shared: { Value: exported-value, Export: { Name: !Sub "${AWS::StackName}-shared" } }
        """;

    [Fact]
    public async Task Yaml_short_forms_evaluate_every_intrinsic_function()
    {
        var name = EmulatorFixture.UniqueName("functions");
        var stack = await aws.Stacks.CreateAndWaitAsync(name, Functions);

        Assert.Equal("CREATE_COMPLETE", stack.Status);
        var topicArn = $"arn:aws:sns:eu-west-1:000000000000:{name}-topic";
        Assert.Equal(new Dictionary<string, string>
        {
            ["Sub"] = $"dev-eu-west-1-000000000000-{name}-topic",
            ["SubMap"] = "dev/literal",
            ["SubEscape"] = "${NotAVariable}",
            ["Join"] = "a:dev:c",
            ["Split"] = "y",
            ["If"] = "small",
            ["Map"] = "t3.micro",
            ["Base64"] = "aGVsbG8=",
            ["Cidr"] = "10.0.0.0/24,10.0.1.0/24,10.0.2.0/24",
            ["Zones"] = "eu-west-1a,eu-west-1b,eu-west-1c",
            ["Arn"] = topicArn,
            ["Ref"] = topicArn,
            ["Both"] = "yes",
            ["Either"] = "yes",
            ["Partition"] = "aws.amazonaws.com",
            ["Shared"] = "exported-value",
        }, stack.Outputs);
        Assert.DoesNotContain(await aws.Stacks.ResourcesAsync(name), r => r.LogicalId == "ProdOnly");
    }

    [Fact]
    public async Task Conditions_add_the_resources_and_outputs_they_guard()
    {
        var name = EmulatorFixture.UniqueName("prod");
        var stack = await aws.Stacks.CreateAndWaitAsync(name, Functions, new Dictionary<string, string> { ["Env"] = "prod", ["Zones"] = "a,x,c" });

        Assert.Equal("big", stack.Outputs["If"]);
        Assert.Equal("m5.large", stack.Outputs["Map"]);
        Assert.Equal("no", stack.Outputs["Both"]);
        Assert.Equal("yes", stack.Outputs["Either"]);
        var prodTopic = Assert.Single(await aws.Stacks.ResourcesAsync(name), r => r.LogicalId == "ProdOnly");
        Assert.Equal(prodTopic.PhysicalId, stack.Outputs["ProdTopic"]);
    }

    [Fact]
    public async Task Json_templates_use_the_long_forms_and_import_exports_of_other_stacks()
    {
        var exporter = EmulatorFixture.UniqueName("exporter");
        await aws.Stacks.CreateAndWaitAsync(exporter, Functions);
        var importer = EmulatorFixture.UniqueName("importer");
        var json = $$"""
            {
              "Parameters": { "Names": { "Type": "CommaDelimitedList", "Default": "one,two" } },
              "Conditions": { "Always": { "Fn::Equals": [ { "Ref": "AWS::Region" }, "eu-west-1" ] } },
              "Resources": {
                "Log": { "Type": "AWS::Logs::LogGroup", "Properties": { "LogGroupName": { "Fn::Join": [ "/", [ "", "apps", { "Fn::Select": [ 1, { "Ref": "Names" } ] } ] ] } } }
              },
              "Outputs": {
                "Imported": { "Value": { "Fn::ImportValue": "{{exporter}}-shared" } },
                "LogArn": { "Value": { "Fn::GetAtt": [ "Log", "Arn" ] } },
                "Region": { "Value": { "Fn::If": [ "Always", { "Ref": "AWS::Region" }, "elsewhere" ] } },
                "StackName": { "Value": { "Fn::Sub": [ "${Name}", { "Name": { "Ref": "AWS::StackName" } } ] } }
              }
            }
            """;

        var stack = await aws.Stacks.CreateAndWaitAsync(importer, json);

        Assert.Equal("CREATE_COMPLETE", stack.Status);
        Assert.Equal("exported-value", stack.Outputs["Imported"]);
        Assert.Equal("arn:aws:logs:eu-west-1:000000000000:log-group:/apps/two:*", stack.Outputs["LogArn"]);
        Assert.Equal("eu-west-1", stack.Outputs["Region"]);
        Assert.Equal(importer, stack.Outputs["StackName"]);
    }

    [Fact]
    public async Task Validate_template_lists_parameters_and_the_capabilities_needed()
    {
        var result = await aws.Stacks.CallAsync("ValidateTemplate", ("TemplateBody", """
            Description: A role
            Parameters:
              Name: { Type: String, Description: The name }
              Secret: { Type: String, NoEcho: true, Default: hidden }
            Resources:
              Role: { Type: AWS::IAM::Role, Properties: { AssumeRolePolicyDocument: {} } }
            """));

        Assert.Equal("A role", result.Text("Description"));
        Assert.Equal(["Name", "Secret"], result.Members("Parameters").Select(p => p.Text("ParameterKey")));
        Assert.Equal("true", result.Members("Parameters")[1].Text("NoEcho"));
        Assert.Equal("CAPABILITY_IAM", Assert.Single(result.Members("Capabilities")).Value);
        Assert.Equal("The following resource(s) require capabilities: [AWS::IAM::Role]", result.Text("CapabilitiesReason"));
    }

    [Theory]
    [InlineData("Resources:\n  A: { Type: AWS::SNS::Topic\n", "Template format error: YAML not well-formed.")]
    [InlineData("{ \"Resources\": ", "Template format error: JSON not well-formed.")]
    [InlineData("Parameters: {}\n", "Template format error: At least one Resources member must be defined.")]
    [InlineData("Resources:\n  A: { Properties: {} }\n", "Template format error: [/Resources/A] Every Resources object must contain a Type member.")]
    [InlineData("Resources:\n  A: { Type: Acme::Thing::Widget }\n", "Template format error: Unrecognized resource types: [Acme::Thing::Widget]")]
    [InlineData("Resources:\n  A: { Type: AWS::SNS::Topic, Properties: { TopicName: !Ref Missing } }\n", "Template format error: Unresolved resource dependencies [Missing] in the Resources block of the template")]
    [InlineData("Resources:\n  A: { Type: AWS::SNS::Topic, DependsOn: Missing }\n", "Template format error: Unresolved resource dependencies [Missing] in the Resources block of the template")]
    [InlineData("Resources:\n  A: { Type: AWS::SNS::Topic, Properties: { TopicName: !GetAtt A.Nope } }\n", "Template error: resource A does not support attribute type Nope in Fn::GetAtt")]
    [InlineData("Resources:\n  A: { Type: AWS::SNS::Topic, Properties: { TopicName: !GetAtt B.TopicName } }\n  B: { Type: AWS::SNS::Topic, Properties: { TopicName: !Ref A } }\n", "Circular dependency between resources: [A, B]")]
    [InlineData("Resources:\n  A: { Type: AWS::SNS::Topic, Condition: Nope }\n", "Template format error: Unresolved condition dependencies [Nope]")]
    [InlineData("Conditions:\n  C: !Equals [!Ref A, x]\nResources:\n  A: { Type: AWS::SNS::Topic }\n", "Template format error: Unresolved dependencies [A]. Cannot reference resources in the Conditions block of the template")]
    [InlineData("Resources:\n  A: { Type: AWS::SNS::Topic, Properties: { TopicName: !Bogus x } }\n", "Template format error: YAML not well-formed. Unknown tag !Bogus")]
    public async Task Broken_templates_are_refused_with_cloudformations_message(string template, string message)
    {
        var error = await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.CallAsync("ValidateTemplate", ("TemplateBody", template)));

        Assert.Equal("ValidationError", error.Code);
        Assert.Equal(400, error.Status);
        Assert.StartsWith(message, error.AwsMessage);
    }

    [Fact]
    public async Task A_reference_to_a_resource_its_condition_removed_is_refused()
    {
        var template = """
            Parameters:
              On: { Type: String, Default: "false" }
            Conditions:
              Enabled: !Equals [!Ref On, "true"]
            Resources:
              Optional: { Type: AWS::SNS::Topic, Condition: Enabled }
              Uses: { Type: AWS::SNS::Topic, Properties: { TopicName: !GetAtt Optional.TopicName } }
              Guarded: { Type: AWS::SNS::Topic, Properties: { TopicName: !If [Enabled, !GetAtt Optional.TopicName, fallback] } }
            """;

        var error = await Assert.ThrowsAsync<AwsError>(() => aws.Stacks.CreateAsync(EmulatorFixture.UniqueName("removed"), template));

        Assert.StartsWith("Template format error: Unresolved resource dependencies [Optional]", error.AwsMessage);
        var guardedOnly = template.Replace("  Uses: { Type: AWS::SNS::Topic, Properties: { TopicName: !GetAtt Optional.TopicName } }\n", "");
        Assert.Equal("CREATE_COMPLETE", (await aws.Stacks.CreateAndWaitAsync(EmulatorFixture.UniqueName("guarded"), guardedOnly)).Status);
    }
}
