import chisel3._
import chisel3.util._

class ParamAdder(width: Int = 8) extends Module {
  val io = IO(new Bundle {
    val a    = Input(UInt(width.W))
    val b    = Input(UInt(width.W))
    val sum  = Output(UInt(width.W + 1.W))
  })
  val aSum = io.a + io.b
  val sum  = io.sum
}
