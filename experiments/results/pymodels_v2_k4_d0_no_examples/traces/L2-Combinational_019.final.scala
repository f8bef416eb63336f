import chisel3._
import chisel3.util._

class ComparatorEq8(width: Int = 8) extends Module {
  val io = IO(new Bundle {
    val a    = Input(UInt(width.W))
    val b    = Input(UInt(width.W))
    val result = Output(Bool())
  })
  io.result := io.a === io.b
}
