import chisel3._
import chisel3.util._

class GcdUnit extends Module {
  val io = IO(new Bundle {
    val in = Flipped(Decoupled(new GcdOperands))
    val out = Decoupled(UInt(8.W))
  })

  val x = RegInit(0.U(8.W))
  val y = RegInit(0.U(8.W))
  val state = RegInit(0.U(1.W))
  val busy = RegInit(false.B)
  val done = RegInit(false.B)

  when(io.in.ready) {
    when(state === 0.U) {
      when(io.in.valid) {
        x := io.in.a
        y := io.in.b
        state := 1.U
      }
    }.elsewhen(state === 1.U) {
      when(y === 0.U) {
        done := true.B
      } else when(x < y) {
        val temp = x
        x := y
        y := temp
      } else {
        x := x - y
      }
    }
  }

  when(done) {
    io.out.valid := true
    io.out.bits := x
    state := 0.U
  }

  io.out.ready := true
}
