import at.favre.lib.crypto.bcrypt.BCrypt;

/** Prints the bcrypt hash (cost 10) of its argument, for a web config's basic_auth_users. */
public final class BcryptHash {
    public static void main(String[] args) {
        System.out.println(BCrypt.withDefaults().hashToString(10, args[0].toCharArray()));
    }
}
