import chisel3._
import chisel3.util._

class ParamAdder(width: Int = 8) extends Module {
  val io = IO(new Bundle {
    val a    = Input(UInt(width.W))
    val b    = Input(UInt(width.W))
    val sum  = Output(UInt(width + 1.W))
  })

  val carry = RegInit(false.B)
  val tempSum = RegInit(UInt(width.W))

  for (i <- width - 1 to 0 by -1) {
    tempSum := io.a(i) + io.b(i) + carry
    carry = (tempSum >= 2.U)
    tempSum := tempSum % 2.U
    io.sum(width - 1 - i) := tempSum
  }
}
