# A job is imported by its numeric job_id.
terraform import brickops_job.retrain_churn 123456789012
