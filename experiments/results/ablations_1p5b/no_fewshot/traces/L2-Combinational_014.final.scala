import chisel3._
import chisel3.util._

class Adder16bit(a: UInt = 0.U(16.W), b: UInt = 0.U(16.W)) extends Module {
  val io = IO(new Bundle {
    val a = Input(a)
    val b = Input(b)
    val sum = Output(UInt(17.W))
    val carry = Output(UInt(1.W))
  })

  // Add the unsigned numbers and handle overflow
  val sumUnsigned = io.a + io.b

  // Determine if there is an overflow by comparing the sum with its upper 16 bits
  val overflow = sumUnsigned(15, 16) > UInt(1.W)

  // Calculate the carry by using the add operation and masking out the overflow
  val carry = (io.a + io.b).asSInt(17) & UInt(1.W)

  // Set the sum based on the carry
  if (overflow) {
    io.sum := UInt(0.U(17.W))
  } else {
    io.sum := sumUnsigned
  }

  // Output the carry
  io.carry := carry
}
