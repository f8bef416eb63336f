import chisel3._
import chisel3.util._

class Mux2to1_32bit extends Module {
  val io = IO(new Bundle {
    val sel  = Input(Bool())
    val a    = Input(UInt(32.W))
    val b    = Input(UInt(32.W))
    val out  = Output(UInt(32.W))
  })
  // Mux2to1_32bit using MuxCase for selecting between a and b
  io.out := MuxCase(0.U, Seq(
    (io.sel, io.a),
    (true.B, io.b)
  ))
}
