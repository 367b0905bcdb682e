# aws_pipes_pipe (AWS provider 5.100.0) against eventbridge-local.
# test/e2e/pipes/terraform.test.ts applies it with generation = 1, then 2 (an in-place update),
# checks `plan -detailed-exitcode` finds no drift after each apply, and destroys it.
# The pipe is STOPPED: no SQS endpoint is configured, so a RUNNING one would end CREATE_FAILED.

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
    pipes = var.endpoint
  }
}

resource "aws_pipes_pipe" "orders" {
  name          = "tf-orders"
  description   = "generation ${local.g}"
  desired_state = "STOPPED"
  role_arn      = "arn:aws:iam::${local.account}:role/tf-pipe"
  source        = "arn:aws:sqs:us-east-1:${local.account}:tf-orders"
  target        = "arn:aws:sqs:us-east-1:${local.account}:tf-out"

  source_parameters {
    sqs_queue_parameters {
      batch_size                         = local.g == 1 ? 5 : 10
      maximum_batching_window_in_seconds = 2
    }
    filter_criteria {
      filter {
        pattern = jsonencode({ body = { generation = [local.g] } })
      }
    }
  }

  target_parameters {
    input_template = "{\"generation\": ${local.g}}"
  }

  tags = { generation = tostring(local.g) }
}
