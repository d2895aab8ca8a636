using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations
{
    /// <inheritdoc />
    public partial class Provisioning_EnvironmentOperations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "AttemptId",
                table: "HostEnvironments",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "InfrastructureTemplateHash",
                table: "HostEnvironments",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "NextCheckAt",
                table: "HostEnvironments",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Operation",
                table: "HostEnvironments",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "OperationStartedAt",
                table: "HostEnvironments",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ScheduledCheckId",
                table: "HostEnvironments",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SoftwareTemplateHash",
                table: "HostEnvironments",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_HostEnvironments_NextCheckAt",
                table: "HostEnvironments",
                column: "NextCheckAt",
                filter: "\"NextCheckAt\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_HostEnvironments_NextCheckAt",
                table: "HostEnvironments");

            migrationBuilder.DropColumn(
                name: "AttemptId",
                table: "HostEnvironments");

            migrationBuilder.DropColumn(
                name: "InfrastructureTemplateHash",
                table: "HostEnvironments");

            migrationBuilder.DropColumn(
                name: "NextCheckAt",
                table: "HostEnvironments");

            migrationBuilder.DropColumn(
                name: "Operation",
                table: "HostEnvironments");

            migrationBuilder.DropColumn(
                name: "OperationStartedAt",
                table: "HostEnvironments");

            migrationBuilder.DropColumn(
                name: "ScheduledCheckId",
                table: "HostEnvironments");

            migrationBuilder.DropColumn(
                name: "SoftwareTemplateHash",
                table: "HostEnvironments");
        }
    }
}
