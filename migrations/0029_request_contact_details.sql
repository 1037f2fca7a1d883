-- How to reach the person who ordered a service request when not through the product: the
-- portal orders as its one account on behalf of people who give their name and e-mail address,
-- and the service desk orders for callers. NULL when the orderer is reached as a user.
-- Owner: the service request process.
ALTER TABLE service_request ADD COLUMN contact_details TEXT;
