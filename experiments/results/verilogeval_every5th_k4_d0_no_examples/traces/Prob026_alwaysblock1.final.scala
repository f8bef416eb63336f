import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(8.W))
    val b = Input(UInt(8.W))
    val out_assign = Output(UInt(8.W))
    val out_alwaysblock = Output(UInt(8.W))
  })
  val out_assign = io.a & io.b
  val out_alwaysblock = io.a & io.b
  io.out_assign := out_assign
  io.out_alwaysblock := out_alwaysblock
}
