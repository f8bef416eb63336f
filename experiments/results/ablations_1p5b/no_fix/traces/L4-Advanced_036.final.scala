import chisel3._
import chisel3.util._

class ParamAdder(width: Int = 8) extends Module {
  val io = IO(new Bundle {
    val a    = Input(UInt(width.W))
    val b    = Input(UInt(width.W))
    val sum  = Output(UInt(width.W + 1.W)) // One bit wider to prevent overflow
  })
  val carry = RegInit(false.B)
  val sum  = RegInit(0.U(width.W + 1.W)) // One bit wider to prevent overflow
  when(io.a.asSInt + io.b.asSInt + carry) { // SInt arithmetic with wrap-around
    sum := sum + 1.U
    carry := true.B
  } else {
    sum := sum + io.a + io.b
    carry := false.B
  }
  io.sum := sum
}
