# aws_scheduler_schedule_group and aws_scheduler_schedule (AWS provider 5.100.0) against eventbridge-local.
# test/e2e/scheduler/terraform.test.ts applies it with generation = 1, then 2 (an in-place update),
# checks `plan -detailed-exitcode` finds no drift after each apply, and destroys it.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}

variable "endpoint" {
  type = string
}

variable "generation" {
  type = number
}

locals {
  g       = var.generation
  account = "123456789012"
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = local.account
  secret_key                  = "test-secret"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  endpoints {
    scheduler = var.endpoint
  }
}

resource "aws_scheduler_schedule_group" "team" {
  name = "tf-team"
  tags = { generation = tostring(local.g) }
}

resource "aws_scheduler_schedule" "nightly" {
  name                         = "tf-nightly"
  group_name                   = aws_scheduler_schedule_group.team.name
  description                  = "generation ${local.g}"
  schedule_expression          = local.g == 1 ? "cron(0 2 * * ? *)" : "rate(6 hours)"
  schedule_expression_timezone = "Europe/Berlin"
  state                        = local.g == 1 ? "ENABLED" : "DISABLED"

  flexible_time_window {
    mode                      = local.g == 1 ? "OFF" : "FLEXIBLE"
    maximum_window_in_minutes = local.g == 1 ? null : 15
  }

  target {
    arn      = "arn:aws:sqs:us-east-1:${local.account}:tf-queue"
    role_arn = "arn:aws:iam::${local.account}:role/tf-scheduler"
    input    = jsonencode({ generation = local.g })

    retry_policy {
      maximum_retry_attempts       = local.g == 1 ? 10 : 3
      maximum_event_age_in_seconds = 3600
    }

    dead_letter_config {
      arn = "arn:aws:sqs:us-east-1:${local.account}:tf-dlq"
    }
  }
}
