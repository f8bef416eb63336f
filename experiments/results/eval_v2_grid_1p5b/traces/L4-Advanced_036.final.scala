import chisel3._
import chisel3.util._

class ParamAdder(width: Int = 8) extends Module {
  val io = IO(new Bundle {
    val a    = Input(UInt(width.W))
    val b    = Input(UInt(width.W))
    val sum  = Output(UInt(width.W + 1.W)) // one bit wider to prevent overflow
  })
  val carry = RegInit(false.B)
  val sum  = RegInit(0.U(width.W + 1.W)) // one bit wider to prevent overflow
  when(io.a === io.b) {
    carry := false.B
  } else {
    carry := io.a.asUInt xor io.b.asUInt
  }
  when(carry) {
    sum := sum + UInt(1.W) // add carry to sum
  }
  sum := sum + io.a // add a to sum
  sum := sum + io.b // add b to sum
}
